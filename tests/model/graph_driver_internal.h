/* SPDX-License-Identifier: MIT */
/*
 * What the files of the graph property driver share: graph_driver.c (the
 * world, its failer and spy mapper, the operations and the steps) and
 * graph_checks.c (the comparisons with the model after a step). The runner's
 * side is graph_driver.h.
 */
#ifndef VCM_TEST_GRAPH_DRIVER_INTERNAL_H
#define VCM_TEST_GRAPH_DRIVER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>
#include <vcm/sim.h>
#include "graph_driver.h"
#include "graph_model.h"

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)
#define PAGE (4 * KB)
#define MAX_INST 64

#define CHECK(cond, ...)                                                             \
	do {                                                                         \
		if (!(cond))                                                         \
			gdi_failed(__VA_ARGS__);                                     \
	} while (0)

/* Hands the step, the call and the system's last error to gd_fail(). */
void gdi_failed(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/*
 * What the current step may have changed (gd_quick): the checks between two
 * full ones look only there. Each op marks what it works on before calling
 * the graph, so a try with an injected failure is checked over the same set.
 */
#define GD_FULL_EVERY 64        /* steps between two full checks (gd_quick) */
#define MAX_DIRTY 32

struct dirty_da {
	int v;
	uint64_t da, len;
};

struct dirty_pa {
	uint64_t pa, len;
};

struct dirty {
	bool all;                /* more than the lists hold: check everything */
	uint32_t vcm;            /* model VCMs whose record or tables changed */
	uint32_t whole;          /* ... whose tables are checked whole (new tables) */
	uint32_t dev;            /* devices whose activation changed */
	uint64_t mem;            /* allocations whose reverse map changed */
	unsigned int nr_da, nr_pa;
	struct dirty_da da[MAX_DIRTY];
	struct dirty_pa pa[MAX_DIRTY]; /* pages no longer in an allocation */
};
extern struct dirty g_dirty;

/* The spy mapper: a real mapper's ops, and every live instance in g_inst. */
struct spy_kind {
	const struct vcm_mapper_ops *real;
	void *real_ctx;
};

struct spy_inst {
	bool live;
	const struct spy_kind *kind;
	void *inst;
	int owner;               /* model VCM the graph was working on at create */
	unsigned int cfg_id;     /* of the device it was made for */
	vcm_da_t start;
	uint64_t len;
};

extern struct spy_inst g_inst[MAX_INST];
extern struct spy_kind g_kind_pt; /* the page-table mapper's */
/* The real mapper's lookup and walk of spy instance @inst. */
int gdi_spy_lookup(void *inst, vcm_da_t da, vcm_pa_t *pa, unsigned int *prot);
int gdi_spy_walk(void *inst, vcm_da_t da, uint64_t len,
		 int (*fn)(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot),
		 void *arg);

/* The world: the memory, the system, the model and the IOMMU models. */
struct gdi_world {
	struct vcm_hosted_mem *mem;
	struct vcm_sys *sys;
	struct graph_model m;
	vcm_pa_t mt_pa;
	uint64_t mt_len;
	unsigned long calls[16]; /* injected failures, translations, model accesses */
	struct vcm_bound *bound[GM_MAX_VCM]; /* a bound some page-table VCMs have */
	struct vcm_sim_iommu *sim[GM_MAX_DEV]; /* the IOMMU model in front, or NULL */
};
extern struct gdi_world w;

/* The page-table devices come first (NR_PT of them), then the others. */
enum { D_V7S, D_V8A, D_V8B, D_V8S2, D_AMD, D_DMA, D_CPU, NR_DEV };
#define NR_PT D_DMA

/* The state of the checks' own sampling; gd_init() seeds it. */
extern uint64_t g_check_rng;

/* graph_checks.c: everything; what the step touched (g_dirty); either, as gd_quick says. */
void gdi_check_all(void);
void gdi_check_dirty(void);
void gdi_check_step(void);
/*
 * A print of every live instance's translations (0: no instance), as its
 * walk reports them with neighbouring runs joined: equal prints, equal
 * translations, however the table is built.
 */
void gdi_print_tables(uint64_t print[MAX_INST]);

#endif /* VCM_TEST_GRAPH_DRIVER_INTERNAL_H */
