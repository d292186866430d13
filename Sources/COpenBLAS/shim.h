// The system OpenBLAS's CBLAS interface, used only with the package trait `OpenBLAS`.
#include <cblas.h>
