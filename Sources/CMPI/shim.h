// The system Open MPI's C interface, used only with the package trait `MPI`.
//
// MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are macros that expand to casts of
// addresses of library globals, which Swift cannot import; these inline functions give them
// to Swift under the same names in lower camel case.
#ifndef KISO_CMPI_SHIM_H
#define KISO_CMPI_SHIM_H

#include <mpi.h>
#include <stdlib.h>

static inline MPI_Comm kiso_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype kiso_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype kiso_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype kiso_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op kiso_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op kiso_mpi_max(void) { return MPI_MAX; }
static inline MPI_Errhandler kiso_mpi_errors_are_fatal(void) { return MPI_ERRORS_ARE_FATAL; }
static inline MPI_Request kiso_mpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *kiso_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status *kiso_mpi_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }
static inline void *kiso_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int kiso_mpi_success(void) { return MPI_SUCCESS; }
static inline int kiso_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int kiso_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int kiso_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

#endif
