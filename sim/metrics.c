/* metrics: the metadata tables of the observables, generated from metrics.def. */
#include "run.h"
#include <stddef.h>

#define SAMEN_IS_INT_int32 1
#define SAMEN_IS_INT_float64 0

const metric_info ts_info[N_TS] = {
#define SAMEN_TS(id, name, units, long_name) {name, units, long_name, 0, 0},
#include "metrics.def"
#undef SAMEN_TS
};

const metric_info sum_info[N_SUM] = {
#define SAMEN_SUM(id, name, units, long_name) {name, units, long_name, 0, 0},
#include "metrics.def"
#undef SAMEN_SUM
};

const metric_info proj_info[N_PROJ] = {
#define SAMEN_PROJ(id, ctype, name, units, long_name) \
    {name, units, long_name, SAMEN_IS_INT_##ctype, offsetof(project_record, id)},
#include "metrics.def"
#undef SAMEN_PROJ
};

int run_cohort_cutoff(int horizon) { return horizon > 208 ? horizon - 104 : horizon / 2; }
