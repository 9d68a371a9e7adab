/* SPDX-License-Identifier: MIT */
/* cs_buf: growth, the sticky failed flag, strings, secret buffers, and the
 * small byte helpers beside it. */
#include "support.h"

#include <stdint.h>
#include <string.h>

#include "ciscosec/buf.h"
#include "ciscosec/zeroize.h"

static void test_init_is_empty(void **state)
{
    (void)state;
    cs_buf b;
    memset(&b, 0xAB, sizeof b);
    cs_buf_init(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_false(b.failed);
    assert_false(b.secret);
    cs_buf s = CS_BUF_INIT;
    assert_null(s.data);
    assert_int_equal(s.len + s.cap, 0);
    assert_false(s.failed || s.secret);
    cs_buf_release(&b); /* releasing an empty buffer is fine */
    assert_null(b.data);
}

static void test_growth_keeps_contents(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    for (unsigned i = 0; i < 5000; i++) {
        cs_buf_append_byte(&b, (uint8_t)(i * 7));
        assert_true(b.cap >= b.len);
    }
    assert_false(b.failed);
    assert_int_equal(b.len, 5000);
    for (unsigned i = 0; i < 5000; i++)
        assert_int_equal(b.data[i], (uint8_t)(i * 7));

    /* One large append grows by more than doubling once. */
    static uint8_t big[100000];
    memset(big, 0x5A, sizeof big);
    cs_buf_append(&b, big, sizeof big);
    assert_false(b.failed);
    assert_int_equal(b.len, 5000 + sizeof big);
    assert_int_equal(b.data[4999], (uint8_t)(4999 * 7));
    assert_memory_equal(b.data + 5000, big, sizeof big);
    cs_buf_release(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_empty_append_is_noop(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    cs_buf_append(&b, NULL, 0);
    assert_false(b.failed);
    assert_int_equal(b.len, 0);
    assert_null(b.data);
    assert_true(cs_buf_reserve(&b, 0));
    cs_buf_release(&b);
}

static void test_failed_is_sticky(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    cs_buf_append(&b, "abc", 3);
    /* A reservation that cannot be satisfied fails without allocating. */
    assert_false(cs_buf_reserve(&b, SIZE_MAX));
    assert_true(b.failed);
    assert_int_equal(b.len, 3);
    /* Everything after is ignored, including small appends. */
    cs_buf_append(&b, "def", 3);
    cs_buf_append_byte(&b, 'x');
    cs_buf_append_cstr(&b, "more");
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "abc", 3);
    assert_false(cs_buf_reserve(&b, 1));
    assert_string_equal(cs_buf_str(&b), "");
    cs_buf_release(&b);
    assert_false(b.failed); /* release starts over */
}

static void test_reserve_near_size_max(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    /* Just past what the doubling can reach without overflowing. */
    assert_false(cs_buf_reserve(&b, SIZE_MAX / 2 + 1));
    assert_true(b.failed);
    cs_buf_release(&b);
    cs_buf_append(&b, "ab", 2);
    assert_false(cs_buf_reserve(&b, SIZE_MAX / 2 - 1));
    assert_true(b.failed);
    assert_int_equal(b.len, 2);
    cs_buf_release(&b);
}

static void test_put_u16_at(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    cs_buf_append(&b, "\0\0\0\0", 4);
    cs_buf_put_u16_at(&b, 2, 0xBEEF);
    assert_false(b.failed);
    assert_memory_equal(b.data, "\0\0\xBE\xEF", 4);
    cs_buf_put_u16_at(&b, 0, 0x0102);
    assert_memory_equal(b.data, "\x01\x02\xBE\xEF", 4);

    /* Past the end: refused, the contents stay. */
    cs_buf_put_u16_at(&b, 3, 0xFFFF);
    assert_true(b.failed);
    assert_memory_equal(b.data, "\x01\x02\xBE\xEF", 4);
    cs_buf_release(&b);

    cs_buf_append(&b, "\0\0", 2);
    cs_buf_put_u16_at(&b, SIZE_MAX, 1);
    assert_true(b.failed);
    cs_buf_release(&b);
}

static void test_strings(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    assert_string_equal(cs_buf_str(&b), "");
    assert_int_equal(b.len, 0);
    cs_buf_append_cstr(&b, "hello");
    assert_int_equal(b.len, 5); /* the NUL is not counted */
    cs_buf_append_cstr(&b, ", world");
    assert_int_equal(b.len, 12);
    assert_string_equal(cs_buf_str(&b), "hello, world");
    assert_int_equal(b.len, 12);
    cs_buf_append_cstr(&b, "");
    assert_int_equal(b.len, 12);
    assert_string_equal(cs_buf_str(&b), "hello, world");
    cs_bytes v = cs_buf_bytes(&b);
    assert_ptr_equal(v.data, b.data);
    assert_int_equal(v.len, 12);
    cs_buf_release(&b);
}

/* What the release observer saw: released buffers, and those that still
 * held a non-zero byte when they were freed. */
static size_t released, released_unwiped;

static void count_unwiped(const uint8_t *data, size_t len)
{
    released++;
    for (size_t i = 0; i < len; i++) {
        if (data[i] != 0) {
            released_unwiped++;
            return;
        }
    }
}

static void test_secret_buffers(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    b.secret = true;
    released = released_unwiped = 0;
    cs_buf_observe_releases(count_unwiped);
    /* Growth copies by hand for secret buffers: the contents survive. */
    for (unsigned i = 0; i < 3000; i++)
        cs_buf_append_byte(&b, (uint8_t)i);
    assert_false(b.failed);
    for (unsigned i = 0; i < 3000; i++)
        assert_int_equal(b.data[i], (uint8_t)i);
    cs_buf_release(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    /* Release keeps the buffer secret, so reuse stays wiped. */
    assert_true(b.secret);
    cs_buf_append(&b, "key", 3);
    assert_true(b.secret);
    cs_buf_release(&b);
    /* Both releases wiped what the buffer held before freeing it. */
    assert_int_equal(released, 2);
    assert_int_equal(released_unwiped, 0);
    /* The observer does tell: an ordinary buffer is freed as it is. */
    cs_buf plain = CS_BUF_INIT;
    cs_buf_append(&plain, "key", 3);
    cs_buf_release(&plain);
    assert_int_equal(released_unwiped, 1);
    cs_buf_observe_releases(NULL);
}

static void test_zeroize(void **state)
{
    (void)state;
    uint8_t secret[33];
    memset(secret, 0xC3, sizeof secret);
    cs_zeroize(secret, sizeof secret);
    for (size_t i = 0; i < sizeof secret; i++)
        assert_int_equal(secret[i], 0);
    cs_zeroize(NULL, 10); /* tolerated */
    cs_zeroize(secret, 0);
}

static void test_hex_and_loads(void **state)
{
    (void)state;
    const uint8_t bytes[] = {0x00, 0x01, 0x7F, 0x80, 0xAB, 0xFF};
    char hex[2 * sizeof bytes + 1];
    cs_hex(bytes, sizeof bytes, hex);
    assert_string_equal(hex, "00017f80abff");
    char empty[1] = {'x'};
    cs_hex(bytes, 0, empty);
    assert_string_equal(empty, "");

    const uint8_t be[] = {0xDE, 0xAD, 0xBE, 0xEF};
    assert_int_equal(cs_load_u16(be), 0xDEAD);
    assert_int_equal(cs_load_u16(be + 2), 0xBEEF);
    assert_int_equal(cs_load_u32(be), 0xDEADBEEFu);
    const uint8_t one[] = {0, 0, 0, 1};
    assert_int_equal(cs_load_u32(one), 1);
}

static void test_bytes_equal(void **state)
{
    (void)state;
    static const uint8_t a[] = {1, 2, 3}, b[] = {1, 2, 4};
    assert_true(cs_bytes_equal((cs_bytes){a, 3}, (cs_bytes){a, 3}));
    assert_false(cs_bytes_equal((cs_bytes){a, 3}, (cs_bytes){b, 3}));
    assert_true(cs_bytes_equal((cs_bytes){a, 2}, (cs_bytes){b, 2}));
    assert_false(cs_bytes_equal((cs_bytes){a, 2}, (cs_bytes){a, 3}));
    assert_true(cs_bytes_equal((cs_bytes){NULL, 0}, (cs_bytes){a, 0}));
}

/* Control bytes as \xNN; everything else, UTF-8 included, as it is. */
static void test_append_printable(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    static const char text[] = "CN=a\x1b[31m\t\x7f\xc3\xa9 ~\n";
    cs_buf_append_printable(&b, (cs_bytes){(const uint8_t *)text, sizeof text - 1});
    assert_string_equal(cs_buf_str(&b), "CN=a\\x1b[31m\\x09\\x7f\xc3\xa9 ~\\x0a");
    b.len = 0;
    cs_buf_append_printable(&b, (cs_bytes){(const uint8_t *)"\0", 1});
    assert_string_equal(cs_buf_str(&b), "\\x00");
    cs_buf_release(&b);
}

static void test_utf8_sequences(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len, want;
    } cases[] = {
        {"A", 1, 1},
        {"\xC3\xA9", 2, 2},
        {"\xE2\x82\xAC", 3, 3},
        {"\xF4\x8F\xBF\xBF", 4, 4},
        {"\xC3", 1, 0},
        {"\xE2\x82", 2, 0},
        {"\x80", 1, 0},
        {"\xC0\xAF", 2, 0},
        {"\xC1\xBF", 2, 0},
        {"\xE0\x80\xAF", 3, 0},
        {"\xED\xA0\x80", 3, 0},
        {"\xF0\x80\x80\xAF", 4, 0},
        {"\xF4\x90\x80\x80", 4, 0},
        {"\xF8\x88\x80\x80", 4, 0},
        {"\xC3"
         "A",
         2, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(cs_utf8_sequence((const uint8_t *)cases[i].bytes, cases[i].len),
                         cases[i].want);
    assert_int_equal(cs_utf8_sequence((const uint8_t *)"", 0), 0);
    assert_true(cs_utf8_valid((const uint8_t *)"caf\xC3\xA9 \xE2\x82\xAC", 9));
    assert_false(cs_utf8_valid((const uint8_t *)"caf\xC3", 4));
    assert_true(cs_is_control_byte(0) && cs_is_control_byte(0x1F) && cs_is_control_byte(0x7F));
    assert_false(cs_is_control_byte(' ') || cs_is_control_byte(0x80));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_is_empty),
        cmocka_unit_test(test_growth_keeps_contents),
        cmocka_unit_test(test_empty_append_is_noop),
        cmocka_unit_test(test_failed_is_sticky),
        cmocka_unit_test(test_reserve_near_size_max),
        cmocka_unit_test(test_put_u16_at),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_secret_buffers),
        cmocka_unit_test(test_zeroize),
        cmocka_unit_test(test_hex_and_loads),
        cmocka_unit_test(test_bytes_equal),
        cmocka_unit_test(test_append_printable),
        cmocka_unit_test(test_utf8_sequences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
