/* SPDX-License-Identifier: MIT */
/*
 * The reference model the graph property test compares against: plain arrays
 * of VCMs, reservations, physical allocations and associations, the rules of
 * include/vcm/vcm.h written as obvious code (which call must fail with which
 * errno), and brute-force answers: the translation every table of a VCM must
 * hold for a device address, and the reverse map of a physical address,
 * found by scanning every backed reservation. No handles are dereferenced
 * here: the model keeps them only so the test can call the real graph.
 */
#ifndef VCM_TEST_GRAPH_MODEL_H
#define VCM_TEST_GRAPH_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GM_MAX_VCM    8
#define GM_MAX_RES    96
#define GM_MAX_MEM    32
#define GM_MAX_DEV    8
#define GM_MAX_CHUNKS 512

/* Kinds of endpoint (the mapper a device has). */
enum gm_kind { GM_PT, GM_ONE_TO_ONE, GM_CPU };

struct gm_dev {
	const char *name;
	enum gm_kind kind;
	unsigned int gran_lg2;     /* the table's granule: every da, pa, len it maps */
	unsigned int cfg_id;       /* devices with equal cfg_id share one table */
	int active_vcm;            /* VCM active on the low base, or -1 */
	void *h;                   /* struct vcm_dev * */
};

struct gm_mem {
	bool live;
	bool cont;                 /* one contiguous chunk, aligned to 4K only */
	uint64_t sizes;            /* the chunk sizes it may be cut into */
	void *h;                   /* struct vcm_physmem * */
	uint64_t len;
	unsigned int nr;
	uint64_t pa[GM_MAX_CHUNKS];
	uint64_t clen[GM_MAX_CHUNKS];
};

struct gm_res {
	bool live;
	void *h;                   /* struct vcm_res * */
	int vcm;
	uint64_t da, len;
	unsigned int prot;
	int mem;                   /* backing allocation, or -1 */
};

struct gm_assoc {
	void *h;                   /* struct vcm_avcm *, NULL = not associated */
	bool active;
};

struct gm_vcm {
	bool live;
	void *h;                   /* struct vcm * */
	enum gm_kind kind;
	bool user;                 /* GM_CPU: the user view */
	uint64_t start, len;
	struct gm_assoc as[GM_MAX_DEV];
};

struct graph_model {
	unsigned int nr_dev;
	struct gm_dev dev[GM_MAX_DEV];
	struct gm_vcm vcm[GM_MAX_VCM];
	struct gm_res res[GM_MAX_RES];
	struct gm_mem mem[GM_MAX_MEM];
};

/* Free slots: -1 when full. */
int gm_new_vcm(struct graph_model *m);
int gm_new_res(struct graph_model *m);
int gm_new_mem(struct graph_model *m);

/* Counts. */
unsigned int gm_vcm_nr_res(const struct graph_model *m, int v);
unsigned int gm_vcm_nr_assoc(const struct graph_model *m, int v);
bool gm_vcm_any_active(const struct graph_model *m, int v);
unsigned int gm_mem_nr_backs(const struct graph_model *m, int mem);
/* The reservation of VCM @v that holds @da, or -1. */
int gm_res_at(const struct graph_model *m, int v, uint64_t da);

/*
 * Can every table a device of @dev's kind and granule would get in VCM @v
 * hold @mem behind a reservation at @da? (granule alignment of da and of
 * every extent's pa and len, an extent being a run of chunks that follow each
 * other physically; one-to-one: da == pa all along.)
 */
bool gm_fits(const struct graph_model *m, int dev, int v, uint64_t da, int mem);

/*
 * The errno vcm_back(@r, @mem) must return, as a bit set of acceptable
 * answers: GM_OK alone when it must succeed; otherwise the errnos that
 * describe a violated rule (when several rules are broken, any of theirs).
 */
#define GM_OK          (1U << 0)
#define GM_EINVAL      (1U << 1)
#define GM_EBUSY       (1U << 2)
#define GM_EAGAIN      (1U << 3)
#define GM_ENOENT      (1U << 4)
#define GM_ENOMEM      (1U << 5)
#define GM_ANY_ERROR   (1U << 6)  /* a mapper refusal: any negative errno */
unsigned int gm_expect_back(const struct graph_model *m, int r, int mem);
/* Does @ret satisfy the set @want? */
bool gm_accepts(unsigned int want, int ret);

/* What the tables of VCM @v must translate @da to: true and *@pa, or false. */
bool gm_translate(const struct graph_model *m, int v, uint64_t da, uint64_t *pa,
		  unsigned int *prot);

/*
 * gm_translate() for a run: also *@run, the bytes from @da on (at least 1)
 * over which the answer stays linear (one reservation, one chunk), so a
 * caller checking a mapped run needs one call per piece, not per page.
 */
bool gm_translate_run(const struct graph_model *m, int v, uint64_t da, uint64_t *pa,
		      unsigned int *prot, uint64_t *run);

/* Physical address of byte @off of allocation @mem. */
uint64_t gm_mem_pa(const struct graph_model *m, int mem, uint64_t off);

/* The reverse map of @pa: up to @max (reservation, da) pairs; returns how many. */
struct gm_rmap {
	int res;
	uint64_t da;
};
size_t gm_rmap(const struct graph_model *m, uint64_t pa, struct gm_rmap *out, size_t max);

#endif
