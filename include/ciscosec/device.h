/* SPDX-License-Identifier: MIT */
/* Phones' device names, checked before they are used as keys or paths. */
#ifndef CISCOSEC_DEVICE_H
#define CISCOSEC_DEVICE_H

#include <stdbool.h>
#include <stddef.h>

#define CS_DEVICE_NAME_MAX 15 /* "SEP" and 12 hex digits */

/* "SEP" then the 12 hex digits of a MAC address (either case). */
bool cs_device_name_valid(const char *name, size_t len);

/* The phone's model and name as TVS requests carry them,
 * "CP-<MODEL>-SEP<MAC>", with a model of 1 to 16 letters and digits. On
 * success *device points into text at the SEP<MAC> part. */
bool cs_device_model_name_valid(const char *text, size_t len, const char **device);

#endif
