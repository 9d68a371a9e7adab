/* The loaders of support.h that need crypto and the signer (formats): a
 * library of their own, so that tests of base and codec link without them. */
#include "support.h"

#include "ciscosec/error.h"

cs_cert *test_load_cert(const char *name)
{
    cs_cert *cert = NULL;
    cs_error err;
    if (cs_cert_load_file(test_data_path(name), &cert, &err) != CS_OK)
        fail_msg("%s: %s", name, err.message);
    return cert;
}

cs_key *test_load_key(const char *name)
{
    cs_key *key = NULL;
    cs_error err;
    if (cs_key_load_file(test_data_path(name), &key, &err) != CS_OK)
        fail_msg("%s: %s", name, err.message);
    return key;
}

void test_load_signer(const char *name, cs_signer *signer)
{
    const char *failed = NULL;
    cs_error err;
    if (cs_signer_load(signer, test_data_path(name), NULL, &failed, &err) != CS_OK)
        fail_msg("%s: %s", failed != NULL ? failed : name, err.message);
}
