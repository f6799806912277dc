/*
 * version.h - mvlaunch's version; the Makefile may override it with -DMVL_VERSION.
 */
#ifndef MVL_VERSION_H
#define MVL_VERSION_H

#ifndef MVL_VERSION
#define MVL_VERSION "0.1.0"
#endif

#endif
