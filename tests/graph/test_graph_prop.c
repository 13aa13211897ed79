// SPDX-License-Identifier: MIT
/*
 * Property test of the mapping graph: the driver in tests/model/graph_driver.c
 * (a mixed-format system, every call checked against the model in
 * tests/model/graph_model.c, tables walked through the IOMMU models, the
 * reverse map both ways) fed by a seeded generator. fuzz/fuzz_graph.c feeds
 * the same driver from libFuzzer's input instead.
 *
 * Seed: test_seed("graph_prop", ...), VCM_TEST_SEED to replay;
 * VCM_GRAPH_PROP_STEPS to run more or fewer steps. A third run plants a
 * defect at a failed try and expects the check after it to name it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "common/test_rand.h"
#include "model/graph_driver.h"

static uint64_t g_rng;

uint64_t gd_rand(uint64_t n)
{
	return test_rand_below(&g_rng, n);
}

/* In the planted run's child: the exit status says what the checks found. */
static bool g_planted_child;

void gd_fail(const char *msg)
{
	if (g_planted_child)
		_exit(strstr(msg, "translates otherwise than before the call") != NULL ? 3 : 4);
	print_error("%s\n", msg);
	fail_msg("graph_prop failed (replay with VCM_TEST_SEED)");
}

static unsigned long steps_from_env(unsigned long dflt)
{
	const char *s = getenv("VCM_GRAPH_PROP_STEPS");

	return s != NULL && *s != '\0' ? strtoul(s, NULL, 0) : dflt;
}

static void run(uint64_t seed)
{
	unsigned long steps = steps_from_env(1500);

	g_rng = seed;
	gd_init();
	for (unsigned long i = 0; i < steps; i++)
		gd_step();
	gd_report();
	gd_teardown();
}

static void test_graph_prop(void **state)
{
	(void)state;
	run(test_seed("graph_prop", UINT64_C(0x6a09e667f3bcc908)));
}

/* A second sequence from a derived seed: other interleavings, same checks. */
static void test_graph_prop_second(void **state)
{
	(void)state;
	run(test_seed("graph_prop", UINT64_C(0x6a09e667f3bcc908)) ^ 0xbb67ae85ULL);
}

/*
 * The check after a failed try, planted: the third injected failure of some
 * call unmaps a page behind the graph's back (gd_plant_try), with the
 * fuzzer's checks (gd_quick, where a third try is compared by the print
 * alone). A child runs it: exit 3 when the check names the changed table,
 * 4 for another report, 1 when the run ended unreported, 2 when nothing was
 * planted.
 */
static void test_graph_prop_planted(void **state)
{
	int status = 0;
	pid_t pid;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		g_planted_child = true;
		gd_quick = true;
		gd_plant_try = 3;
		g_rng = test_seed("graph_prop", UINT64_C(0x6a09e667f3bcc908));
		gd_init();
		for (unsigned long i = 0; i < 1500U && !gd_planted; i++)
			gd_step();
		_exit(gd_planted ? 1 : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph_prop),
		cmocka_unit_test(test_graph_prop_second),
		cmocka_unit_test(test_graph_prop_planted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
