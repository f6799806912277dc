/*
 * suggest.h - "did you mean ...?": the nearest of some names by edit distance.
 */
#ifndef MVL_SUGGEST_H
#define MVL_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance between a and b. */
size_t edit_distance(const char *a, const char *b);

/*
 * The candidate nearest to 'name' when it is near enough to be a typo (at
 * most a third of the name's length plus one, and at most 3 edits), or a
 * candidate 'name' is a prefix of; else NULL. Points into candidates.
 */
const char *suggest_nearest(const char *name, const char *const *candidates, size_t n);

#endif
