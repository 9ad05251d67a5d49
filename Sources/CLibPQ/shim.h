#ifndef CRENEAU_CLIBPQ_SHIM_H
#define CRENEAU_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
