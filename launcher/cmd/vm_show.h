/*
 * vm_show.h - print a VM's threads and pins as a table (up, status).
 */
#ifndef MVL_VM_SHOW_H
#define MVL_VM_SHOW_H

#include <stdio.h>

#include "launcher/vm/pin_apply.h"

/* THREAD  TID  NAME  CPUS [PLANNED] - with 'drift', planned CPUs and a mark where they differ. */
void vm_threads_print(FILE *out, const struct vm_threads *threads, int drift);

#endif
