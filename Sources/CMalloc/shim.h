// glibc's malloc tuning (mallopt) and statistics, which Swift's Glibc module leaves out.
#include <malloc.h>
