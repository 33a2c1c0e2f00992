/* common: small pure helpers shared by the model's files. */
#ifndef SAMEN_COMMON_H
#define SAMEN_COMMON_H

#include <math.h>

static inline double clip01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }
static inline double sigm(double x) { return 1 / (1 + exp(-x)); }

/* The week an event at week w acts: the first simulated week is 1, so `at: 0` means week 1. */
static inline int event_week(double w) { return w < 1 ? 1 : (int)w; }

#endif
