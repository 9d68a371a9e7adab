/* SPDX-License-Identifier: MIT */
/* Device names (device.h). */
#include "ciscosec/device.h"

#include <ctype.h>
#include <string.h>

#define MODEL_MAX 16

bool cs_device_name_valid(const char *name, size_t len)
{
    if (len != CS_DEVICE_NAME_MAX || memcmp(name, "SEP", 3) != 0)
        return false;
    for (size_t i = 3; i < len; i++)
        if (!isxdigit((unsigned char)name[i]))
            return false;
    return true;
}

bool cs_device_model_name_valid(const char *text, size_t len, const char **device)
{
    if (len < 3 + CS_DEVICE_NAME_MAX + 2 || memcmp(text, "CP-", 3) != 0)
        return false;
    const char *name = text + len - CS_DEVICE_NAME_MAX;
    size_t model = (size_t)(name - text) - 4; /* between "CP-" and "-SEP" */
    if (name[-1] != '-' || model == 0 || model > MODEL_MAX ||
        !cs_device_name_valid(name, CS_DEVICE_NAME_MAX))
        return false;
    for (size_t i = 3; i < 3 + model; i++)
        if (!isalnum((unsigned char)text[i]))
            return false;
    *device = name;
    return true;
}
