// SPDX-License-Identifier: MIT
/*
 * Messages are per thread: 8 threads make refused calls at once, each with
 * its own argument, and each must read back its own call's errno and exact
 * text. The graph's record is this thread's (vcm_sys_cfg.diag_slot), so the
 * message is never read after the lock while another thread writes it
 * (ThreadSanitizer reported that race; a mixed-up message also fails here).
 * And a fault handler gets the data it was set with while another thread
 * changes the pair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pthread.h>
#include "rfc_fixture.h"

#define NR_THREADS 8U
#define ROUNDS     400U

struct worker {
	struct vcm *vcm;
	unsigned int id;
	unsigned int wrong;
	char seen[160];
};

static void *work(void *arg)
{
	struct worker *wk = arg;
	char want[160];

	for (unsigned int i = 0; i < ROUNDS; i++) {
		/* refused by the graph under the lock: a length no thread shares */
		uint64_t len = SZ_4K * (wk->id + 1U) + 1U;

		if (vcm_reserve(wk->vcm, len, 0) != NULL || vcm_rfc_errno() != -EINVAL) {
			wk->wrong++;
			continue;
		}
		snprintf(want, sizeof(want),
			 "vcm_reserve: len %#llx is 0 or not a multiple of 4 KiB",
			 (unsigned long long)len);
		if (strcmp(vcm_rfc_last_error(), want) != 0) {
			snprintf(wk->seen, sizeof(wk->seen), "%s", vcm_rfc_last_error());
			wk->wrong++;
		}
		/* and a refusal of the rfc layer's own, between them */
		if (vcm_hw_ver(i % 2U ? "nope" : "none") != 0 || vcm_rfc_errno() != -ENODEV)
			wk->wrong++;
	}
	return NULL;
}

static void test_own_messages(void **state)
{
	struct vcm *v = vcm_create(SZ_1M, SZ_16M);
	struct worker wk[NR_THREADS];
	pthread_t t[NR_THREADS];

	(void)state;
	assert_non_null(v);
	for (unsigned int i = 0; i < NR_THREADS; i++) {
		wk[i] = (struct worker){ .vcm = v, .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, work, &wk[i]), 0);
	}
	for (unsigned int i = 0; i < NR_THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		if (wk[i].wrong != 0)
			fail_msg("thread %u: %u wrong results, e.g. '%s'", i, wk[i].wrong,
				 wk[i].seen);
	}
	assert_int_equal(vcm_free(v), 0);
}

static int tag_a = 'A', tag_b = 'B';
static long hook_calls, hook_wrong;
static volatile int hook_stop;

static int hook_a(const char *dev, void *data, const struct vcm_fault *f)
{
	(void)dev;
	(void)f;
	__atomic_fetch_add(&hook_calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&hook_wrong, data != &tag_a, __ATOMIC_RELAXED);
	return 0;
}

static int hook_b(const char *dev, void *data, const struct vcm_fault *f)
{
	(void)dev;
	(void)f;
	__atomic_fetch_add(&hook_calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&hook_wrong, data != &tag_b, __ATOMIC_RELAXED);
	return 0;
}

static void *faulter(void *arg)
{
	(void)arg;
	/* unmapped: every lookup faults and runs the handler */
	while (!__atomic_load_n(&hook_stop, __ATOMIC_RELAXED))
		(void)vcm_dev_addr_to_phys_addr("mdp", SZ_4K);
	return NULL;
}

/* The (handler, data) pair switches while faults run: never one's handler with the other's data. */
static void test_hook_pairs(void **state)
{
	pthread_t t[2];

	(void)state;
	assert_int_equal(vcm_hook("mdp", hook_a, &tag_a), 0);
	for (unsigned int k = 0; k < 2U; k++)
		assert_int_equal(pthread_create(&t[k], NULL, faulter, NULL), 0);
	/* enough faults that a torn pair, a window of a few instructions, shows */
	for (unsigned int i = 0; __atomic_load_n(&hook_calls, __ATOMIC_RELAXED) < 40000; i++)
		assert_int_equal(i & 1U ? vcm_hook("mdp", hook_a, &tag_a)
				        : vcm_hook("mdp", hook_b, &tag_b), 0);
	__atomic_store_n(&hook_stop, 1, __ATOMIC_RELAXED);
	for (unsigned int k = 0; k < 2U; k++)
		assert_int_equal(pthread_join(t[k], NULL), 0);
	assert_int_equal(vcm_hook("mdp", NULL, NULL), 0);
	assert_true(hook_calls > 0);
	if (hook_wrong != 0)
		fail_msg("%ld of %ld handler calls had the other handler's data", hook_wrong,
			 hook_calls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_own_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_pairs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
