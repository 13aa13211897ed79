/* SPDX-License-Identifier: MIT */
/*
 * The graph tests' platform: one heap buffer plays physical memory at
 * GFX_PA. Its first GFX_TABLE_BYTES are a table arena; memtype 0 (1M/64K/4K
 * chunks) and memtype 1 (1M/64K chunks only, for 64K-granule tables) follow,
 * inside the same window, so pa_to_cpu reaches tables and buffers alike.
 * Metadata comes from malloc, counted; both metadata and table memory can be
 * made to fail at the n-th call, through the platform layer's injection point
 * (struct vcm_plat_inject), which the setup installs. Four devices with fake ops count what the
 * graph asks of them: armv7s, armv8 4K stage 1 (two bases), armv8 64K
 * stage 2, and a device without an MMU (one-to-one).
 */
#ifndef GRAPH_FIXTURE_H
#define GRAPH_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)

#define GFX_PA          UINT64_C(0x80000000)
#define GFX_BYTES       (64 * MB)
#define GFX_TABLE_BYTES (8 * MB)
#define GFX_MT0_PA      (GFX_PA + GFX_TABLE_BYTES)
#define GFX_MT0_LEN     (32 * MB)
#define GFX_MT1_PA      (GFX_MT0_PA + GFX_MT0_LEN)
#define GFX_MT1_LEN     (16 * MB)

struct fake_dev {
	int program;
	int clear;
	int tlb_range;
	int tlb_all;
	int power;
	int program_ret;   /* what program returns */
	bool fail_once;    /* program_ret goes back to 0 after one failure */
	int power_ret;     /* what power_query returns */
	vcm_pa_t power_busy_pa; /* nonzero: power_query is -EBUSY for a range holding it */
	uint32_t ver;
	unsigned int last_base;
	struct vcm_hw_regs last_hw;
	bool had_hw;
	vcm_da_t tlb_da;
	uint64_t tlb_len;
	bool tlb_leaf;
	int tlb_hinted;     /* of tlb_range, calls of the hinted op */
	uint64_t tlb_sizes; /* the last hint's leaf sizes */
};

enum { D_V7, D_V8S1, D_V8S2, D_DMA, D_NR };

struct gfx {
	uint8_t *buf;
	struct vcm_plat_arena arena;
	struct vcm_plat_ops arena_ops;
	struct vcm_plat_ops plat;
	long meta_calls, meta_fail_at, meta_live;
	long table_calls, table_fail_at, table_fail_from;
	uint64_t arena_free0;
	struct vcm_sys *sys;
	struct fake_dev fake[D_NR];
	struct vcm_dev_cfg cfg[D_NR];
	struct vcm_pt_cfg pt[D_NR]; /* cfg[i].mapper_cfg */
	struct vcm_dev *dev[D_NR];
};

extern struct gfx g;
extern const struct vcm_dev_ops fake_ops;

/* cmocka group setup/teardown: system and the four devices. */
int gfx_setup(void **state);
int gfx_teardown(void **state);
/* Make the n-th metadata / table allocation from now fail (0: never). */
void gfx_fail_meta(long n);
void gfx_fail_table(long n);
/* Make every table allocation from the n-th on fail (0: none). */
void gfx_fail_table_from(long n);
/* CPU pointer to physical address @pa of the window. */
void *gfx_cpu(vcm_pa_t pa);
/* Assert that the last error starts with @prefix. */
void gfx_msg(const char *prefix);

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)
/* A test with the group's fresh system and devices around it. */
#define T(f) cmocka_unit_test_setup_teardown(f, gfx_setup, gfx_teardown)

/* Steps every test takes, asserting success. */
struct vcm *gfx_vcm(vcm_da_t start, uint64_t len);
/* Associate device @d with @v (attribute @attr); activate it when @on. */
struct vcm_avcm *gfx_assoc(struct vcm *v, int d, unsigned int attr, bool on);
/* Deactivate (if active) and deassociate. */
void gfx_drop(struct vcm_avcm *a);
struct vcm_mem *gfx_alloc(unsigned int mt, uint64_t len, uint64_t flags);
/* The physical address of byte @off of @m. */
vcm_pa_t gfx_pa_of(struct vcm_mem *m, uint64_t off);
/* Device @d translates @da on @base to @want. */
void gfx_expect_pa(int d, unsigned int base, vcm_da_t da, vcm_pa_t want);

/* A snapshot of every table the graph keeps: each association's runs. */
#define SNAP_MAX 512
struct snap_run {
	vcm_da_t da;
	vcm_pa_t pa;
	uint64_t len;
	unsigned int prot;
};
struct snap {
	unsigned int n;
	struct snap_run run[SNAP_MAX];
	long meta_live;
	uint64_t arena_free;
};
void snap_take(struct snap *s, struct vcm **vcms, unsigned int nr_vcms);
void snap_equal(const struct snap *a, const struct snap *b);

/*
 * All or nothing under injected failures: runs @op(@arg) with the n-th table
 * (@meta false) or metadata (@meta true) allocation failing, n = 1, 2, ...,
 * until it succeeds. Each failure must be -ENOMEM and leave the tables of
 * @vcms and the counters of the snapshot as they were, and @same(@arg), when
 * given, must pass. Return: the n that succeeded (fewer than 200).
 */
long gfx_fail_each(bool meta, int (*op)(void *arg), void (*same)(void *arg), void *arg,
		   struct vcm **vcms, unsigned int nr_vcms);

#endif
