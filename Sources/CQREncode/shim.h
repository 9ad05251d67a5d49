#ifndef CRENEAU_CQRENCODE_SHIM_H
#define CRENEAU_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
