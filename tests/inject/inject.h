/* SPDX-License-Identifier: MIT */
/*
 * The fault-injection sweep: every public call that can allocate is run with
 * its n-th allocation failing (n = 1, 2, ... until no n-th allocation comes:
 * a success whose failed allocation was tolerated is checked and n goes on),
 * through the one injection point of the platform layer (struct
 * vcm_plat_inject). The world a call runs in is built fresh for every n;
 * after each failure the sweep checks the error and its message, that nothing
 * is live that was not before, and that the page tables (their bytes), the
 * CPU mappings, the graph's walk and its reverse map, and each memtype's free
 * bytes and free chunks are what they were.
 */
#ifndef VCM_TEST_INJECT_H
#define VCM_TEST_INJECT_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>
#include <vcm/sim.h>
#include <vcm/soc.h>
#include <vcm/vspace.h>
#include <vcm/phys.h>

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)

/* The hosted memory of the low-level worlds: 2 MiB of tables, then buffers. */
#define W_PA          UINT64_C(0x80000000)
#define W_LEN         (16 * MB)
#define W_TABLE_BYTES (2 * MB)
#define W_BUF_PA      (W_PA + W_TABLE_BYTES)

/* The graph world's memory: 32 MiB at W_PA, its first 2 MiB the table arena. */
#define W_SOC_TABLE_BYTES (2 * MB)

/* Devices of the graph world (struct vcm_soc): index in its cfg->devs. */
enum { WD_V7, WD_V8, WD_S2, WD_DMA, WD_CPU, WD_NR };

/*
 * What one run of a call needs; each call's setup fills what it uses and the
 * sweep's teardown undoes whatever is there (in reverse), so a call's op
 * stores what it makes in these fields too.
 */
struct world {
	unsigned int variant;            /* which configuration of the call */
	struct vcm_diag diag;            /* for create calls */
	const char *msg;                 /* the op's message, set by the op */
	/* low-level layers on one hosted memory */
	struct vcm_hosted_mem *mem;
	const struct vcm_plat_ops *plat;
	struct vcm_pt *pt;
	struct vcm_vs *vs;
	struct vcm_vs_range *vr[4];
	struct vcm_vs_bound *vb[2];
	struct vcm_phys *phys;
	struct vcm_physmem *pm[4];
	struct vcm_sim_iommu *iommu;
	struct vcm_sim_dma *dma;
	struct vcm_plat_arena *arena;
	/* the graph on a simulated SoC */
	struct vcm_soc *soc;
	struct vcm_sys *sys;              /* vcm_soc_sys(), or one made by the op */
	/* the system on finer locks (cfg->locks, per-thread messages): set by a
	 * setup before w_soc() or the op's vcm_sys_create() */
	bool fine;
	struct vcm_hosted_locks locks;
	struct vcm_slots *slots;          /* a slot store, destroyed after the system */
	struct vcm_dev *dev[WD_NR];
	struct vcm_dev *extra_dev;
	struct vcm *v[4];
	struct vcm_avcm *a[8];
	struct vcm_res *r[6];
	struct vcm_bound *b[2];
	struct vcm_mem *m[4];
	/* an IOMMU backend on its fake register file (calls_smmuv3.c, calls_vtd.c,
	 * calls_amdvi.c): its environment, the unit, a master or device of it;
	 * dev_state prints what the snapshot compares (registers that matter,
	 * the entry the call writes, the arena's free bytes and check; for a
	 * guest, the nested model's walks and the guest's bytes) */
	void *dev_env;
	void *dev_unit;
	void *dev_sub;
	void (*dev_state)(const struct world *w, FILE *out);
	void (*dev_teardown)(struct world *w);
	/* a guest system over a host VCM of the nested world (calls_nest.c):
	 * its platform (nest points at np from vcm_nest_plat_init() until
	 * vcm_nest_plat_fini()), its device, VCMs and so on, as above */
	struct vcm_nest_plat np;
	struct vcm_nest_plat *nest;
	struct vcm_sys *gsys;
	struct vcm_dev *gdev[2];
	struct vcm *gv[2];
	struct vcm_avcm *ga[2];
	struct vcm_res *gr[4];
	struct vcm_mem *gm[4];
	/* the 2010 layer's default system is up */
	bool rfc;
	void *rfc_h[12];                 /* rfc handles (calls_rfc.c) */
	void (*rfc_teardown)(struct world *w);
};

struct inj_call {
	const char *layer;
	const char *name;
	unsigned int variants;           /* 0 = 1 */
	const char *(*vname)(unsigned int variant); /* optional */
	void (*setup)(struct world *w);
	int (*op)(struct world *w);
	int err;                         /* what a failure returns; 0 = -ENOMEM */
};

/* The calls of each layer (calls_*.c); each list ends with a zero entry. */
extern const struct inj_call inj_calls_low[];
extern const struct inj_call inj_calls_graph[];
extern const struct inj_call inj_calls_rfc[];
extern const struct inj_call inj_calls_smmuv3[];
extern const struct inj_call inj_calls_vtd[];
extern const struct inj_call inj_calls_amdvi[];
extern const struct inj_call inj_calls_nest[];

/* World builders the call lists share (world.c). */
void w_mem(struct world *w);            /* hosted memory and its plat */
void w_soc(struct world *w);            /* the simulated SoC and its system */
/* On top of w_soc: VCM 0 (device space) with v7, v8, s2 associated and active. */
void w_graph(struct world *w);
/* On top of w_graph: memory 0 (4 MiB chunked), reservation 0 (4 MiB), backed. */
void w_backed(struct world *w);
/* The CPU's kernel VCM (v[1]), prebuilt: associated and active. */
void w_cpu(struct world *w);
void w_teardown(struct world *w);
/* Allocations the injector has seen since it was last armed (test_inject_sweep.c):
 * a setup learns with it where a slab or hash is about to grow. */
long inj_allocs(void);
/* The 2010 layer's memory and its table bytes (calls_rfc.c). */
struct vcm_hosted_mem *inj_rfc_mem(uint64_t *table_bytes);

#endif
