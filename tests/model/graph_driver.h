/* SPDX-License-Identifier: MIT */
/*
 * The graph property driver (graph_driver.c): a mixed-format system and the
 * calls of the mapping graph chosen one step at a time, each result and the
 * whole state after each step compared with the model in graph_model.c.
 *
 * Whoever runs it supplies the choices and the way to fail: the CTest
 * property test (tests/graph/test_graph_prop.c) from a seeded generator, the
 * libFuzzer harness (fuzz/fuzz_graph.c) from its input bytes.
 */
#ifndef VCM_TEST_GRAPH_DRIVER_H
#define VCM_TEST_GRAPH_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

/* Supplied by the runner: a choice in [0, @n) (@n > 0; any value is reduced mod @n). */
uint64_t gd_rand(uint64_t n);
/* Supplied by the runner: a check failed with @msg; must not return. */
void gd_fail(const char *msg);

/*
 * Checks that scale with what is mapped, not with the VCMs' size: a table is
 * still walked whole after every step (a mapping the model lacks shows
 * there), but looked up page by page only where the model maps and at
 * samples. Default false (every page of every table looked up).
 */
extern bool gd_quick;

/* Build the system and check it; gd_step() one call and the checks; gd_teardown() all of it. */
void gd_init(void);
void gd_step(void);
void gd_teardown(void);
/* Print the steps run and each call's outcomes, then clear the tally. */
void gd_report(void);

#endif /* VCM_TEST_GRAPH_DRIVER_H */
