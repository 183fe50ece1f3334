#ifndef PEFTBENCH_CZLIB_SHIM_H
#define PEFTBENCH_CZLIB_SHIM_H
// zlib inflates the entries of METEOR's jar (a zip) and its gzip-compressed paraphrase table.
#include <zlib.h>
#endif
