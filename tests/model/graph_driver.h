/* SPDX-License-Identifier: MIT */
/*
 * The graph property driver (graph_driver.c, its checks in graph_checks.c):
 * a mixed-format system and the calls of the mapping graph chosen one step
 * at a time, each result and the whole state after each step compared with
 * the model in graph_model.c.
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
 * Checks for the fuzzer, fast enough for millions of inputs. After a step,
 * only what it touched: each op records the VCMs, reservation ranges,
 * allocations, freed physical ranges and devices it works on, and the checks
 * run over those (every table of a touched VCM walked over the touched
 * ranges and the page past each, its mapped bytes there counted against the
 * model, looked up at the ends and at samples; the IOMMU models of the
 * devices the VCM is active on at the same pages; a switched device over
 * samples of every reservation; the reverse map of the touched allocations
 * and freed ranges; the record of the touched VCMs; the CPU's bytes of the
 * touched allocations). A try with an injected failure is checked over the
 * set of the call it belongs to. Every 64 steps, and in gd_teardown() before
 * anything is taken down, the full check, itself scaled to what is mapped (a
 * table walked whole, looked up at the model's mapped pages and samples).
 * Default false: the full check after every step, every page of every table
 * looked up.
 */
extern bool gd_quick;

/*
 * Keep the hosted memory from one gd_init() to the next: gd_teardown()
 * checks every table block came back and resets the arena
 * (vcm_hosted_mem_reset()) instead of destroying it, so its pages fault in
 * once per process, not once per run (a quarter of a fuzzer's time went to
 * faulting in the fresh pages a migrate copies to). Default false.
 */
extern bool gd_keep_mem;

/*
 * Test only, a planted defect: when > 0, at the gd_plant_try-th injected
 * failure of a call, one page of a live table is unmapped behind the graph's
 * back before the comparison (a rollback that forgot a page), and
 * gd_planted is set. The check after that failed try must report it. 0 (the
 * default): nothing planted.
 */
extern long gd_plant_try;
extern bool gd_planted;

/*
 * Build the system and check it (gd_quick: the first time only, it starts the
 * same); gd_step() one call and the checks; gd_teardown() all of it.
 */
void gd_init(void);
void gd_step(void);
void gd_teardown(void);
/* Print the steps run and each call's outcomes, then clear the tally. */
void gd_report(void);

#endif /* VCM_TEST_GRAPH_DRIVER_H */
