#ifndef PEFTBENCH_COPENBLAS_SHIM_H
#define PEFTBENCH_COPENBLAS_SHIM_H
// OpenBLAS's own cblas.h (found through pkg-config) also declares openblas_get_corename, openblas_get_config
// and openblas_set_num_threads, which the engine uses to report and steer the kernel in use.
#include <cblas.h>
#endif
