#pragma once
#ifdef __linux__
#include <sys/prctl.h>
#include <signal.h>
/* prctl is variadic, which Swift cannot call: asks the kernel to send `sig` to this process when its parent dies. */
static inline int peftbench_die_with_parent(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }
#else
static inline int peftbench_die_with_parent(int sig) { (void)sig; return 0; }
#endif
