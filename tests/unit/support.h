/* Helpers shared by the unit tests: support_base.h, and loaders of keys,
 * certificates and signers (formats layer). */
#ifndef CISCOSEC_TEST_SUPPORT_H
#define CISCOSEC_TEST_SUPPORT_H

#include "support_base.h"

#include "ciscosec/crypto.h"
#include "ciscosec/signer.h"

/* A certificate, key or signer from a file in tests/data (as named for
 * test_data_path); one that cannot be loaded fails the test. */
cs_cert *test_load_cert(const char *name);
cs_key *test_load_key(const char *name);
void test_load_signer(const char *name, cs_signer *signer);

#endif
