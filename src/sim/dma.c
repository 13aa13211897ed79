// SPDX-License-Identifier: MIT
/*
 * The DMA engine: a bus master with no MMU. It follows physical scatter lists
 * and moves bytes to, from or between them, reaching memory through the
 * platform's pa_to_cpu one piece at a time; no piece crosses a 4 KiB boundary
 * of pa, so pa_to_cpu need not map more than a page at once.
 *
 * Every list is checked (no element wraps, memory behind every page) before
 * the first byte moves, so a refused transfer changes nothing. Non-goals:
 * descriptors in memory, channels, interrupts, timing.
 */
#include "sim_internal.h"

#define SIM_DMA_MAGIC 0x53494d44U /* "SIMD" */
#define PIECE_LG2 12U

struct vcm_sim_dma {
	uint32_t magic;
	const struct vcm_plat_ops *plat;
	void *(*pa_to_cpu)(void *ctx, vcm_pa_t pa);
	void *mem_ctx;
	char name[32];
	struct vcm_sim_dma_stats st;
	struct vcm_diag diag;
};

static bool valid_dma(const struct vcm_sim_dma *dma)
{
	return dma != NULL && dma->magic == SIM_DMA_MAGIC;
}

int vcm_sim_dma_create(const struct vcm_sim_dma_cfg *cfg, struct vcm_sim_dma **out,
		       struct vcm_diag *diag)
{
	const struct vcm_plat_ops *plat;
	struct vcm_sim_dma *dma;
	int ret;

	vcm_diag_enter(diag, __func__);
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	*out = NULL;
	if (cfg == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg is NULL");
	plat = cfg->plat;
	ret = sim_check_mem_(plat, cfg->pa_to_cpu, diag);
	if (ret < 0)
		return ret;
	dma = plat->meta_alloc(plat->ctx, sizeof(*dma));
	if (dma == NULL)
		return VCM_ERR(diag, -ENOMEM, "no memory for the engine");
	sim_memset(dma, 0, sizeof(*dma));
	dma->plat = plat;
	sim_mem_init_(plat, cfg->pa_to_cpu, cfg->mem_ctx, &dma->pa_to_cpu, &dma->mem_ctx);
	sim_copy_name_(dma->name, sizeof(dma->name), cfg->name);
	dma->magic = SIM_DMA_MAGIC;
	*out = dma;
	return 0;
}

int vcm_sim_dma_destroy(struct vcm_sim_dma *dma)
{
	if (dma == NULL)
		return 0;
	dma->magic = 0;
	dma->plat->meta_free(dma->plat->ctx, dma, sizeof(*dma));
	return 0;
}

/* Check the first @len bytes of a list: no wrap, memory behind every page. */
static int check_sg(struct vcm_sim_dma *dma, const struct vcm_sim_sg *sg, size_t nsg,
		    uint64_t len, const char *what)
{
	uint64_t left = len;

	if (sg == NULL && nsg != 0U)
		return VCM_ERR(&dma->diag, -EINVAL, "%s is NULL with %zu elements", what, nsg);
	for (size_t i = 0; i < nsg && left != 0U; i++) {
		uint64_t n = sg[i].len < left ? sg[i].len : left;

		if (n == 0U)
			continue;
		/* the whole element, not only the part this transfer reaches */
		if (sg[i].len - 1U > ~sg[i].pa)
			return VCM_ERR(&dma->diag, -EOVERFLOW,
					"%s[%zu]: pa %#llx + len %#llx wraps", what, i,
					vcm_ull(sg[i].pa), vcm_ull(sg[i].len));
		for (uint64_t off = 0; off < n;) {
			vcm_pa_t pa = sg[i].pa + off;

			if (dma->pa_to_cpu(dma->mem_ctx, pa) == NULL)
				return VCM_ERR(&dma->diag, -EFAULT,
						"%s[%zu]: pa %#llx has no memory behind it",
						what, i, vcm_ull(pa));
			off += VCM_BIT(PIECE_LG2) - (pa & (VCM_BIT(PIECE_LG2) - 1U));
		}
		left -= n;
	}
	if (left != 0U)
		return VCM_ERR(&dma->diag, -ERANGE,
				"len %#llx is longer than %s (%#llx bytes)", vcm_ull(len), what,
				vcm_ull(len - left));
	return 0;
}

/* A cursor over a list: the current element and the offset inside it. */
struct cursor {
	const struct vcm_sim_sg *sg;
	size_t i;
	uint64_t off;
};

/* Bytes that can move at the cursor without crossing an element or a page. */
static uint64_t span(struct cursor *c, vcm_pa_t *pa)
{
	while (c->off == c->sg[c->i].len) {
		c->i++;
		c->off = 0;
	}
	*pa = c->sg[c->i].pa + c->off;
	uint64_t page_left = VCM_BIT(PIECE_LG2) - (*pa & (VCM_BIT(PIECE_LG2) - 1U));
	uint64_t el_left = c->sg[c->i].len - c->off;

	return page_left < el_left ? page_left : el_left;
}

/* memmove without libc: lists may overlap, the bytes move as if through a buffer. */
static void move_bytes(uint8_t *d, const uint8_t *s, size_t n)
{
	if (d + n <= s || s + n <= d) {
		sim_memcpy(d, s, n);
	} else if (d < s) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	} else {
		for (size_t i = n; i > 0; i--)
			d[i - 1U] = s[i - 1U];
	}
}

/* Move @len bytes; a list side is used when its cursor is given, else the buffer. */
static void run(struct vcm_sim_dma *dma, struct cursor *dst, uint8_t *dbuf, struct cursor *src,
		const uint8_t *sbuf, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t n = len - done;
		vcm_pa_t dpa = 0, spa = 0;
		uint8_t *d;
		const uint8_t *s;

		if (dst != NULL) {
			uint64_t m = span(dst, &dpa);

			n = m < n ? m : n;
		}
		if (src != NULL) {
			uint64_t m = span(src, &spa);

			n = m < n ? m : n;
		}
		d = dst != NULL ? dma->pa_to_cpu(dma->mem_ctx, dpa) : dbuf + done;
		s = src != NULL ? dma->pa_to_cpu(dma->mem_ctx, spa) : sbuf + done;
		move_bytes(d, s, (size_t)n);
		if (dst != NULL)
			dst->off += n;
		if (src != NULL)
			src->off += n;
		dma->st.pieces++;
		dma->st.bytes += n;
		done += n;
	}
}

/*
 * Between the list @sg and a host buffer: @sbuf into memory, or memory into
 * @dbuf; the other one is NULL. With both NULL only len 0 is taken.
 */
/* The body of vcm_sim_dma_to_mem() and _from_mem(): @fn names the public call. */
static int buf_dma(struct vcm_sim_dma *dma, const struct vcm_sim_sg *sg, size_t nsg,
		   void *dbuf, const void *sbuf, uint64_t len, const char *fn)
{
	struct cursor c = { sg, 0, 0 };
	int ret;

	if (!valid_dma(dma))
		return -EINVAL;
	vcm_diag_enter(&dma->diag, fn);
	if (dbuf == NULL && sbuf == NULL && len != 0U)
		return VCM_ERR(&dma->diag, -EINVAL, "buf is NULL");
	ret = check_sg(dma, sg, nsg, len, "sg");
	if (ret == 0 && sbuf != NULL)
		run(dma, &c, NULL, NULL, sbuf, len);
	else if (ret == 0)
		run(dma, NULL, dbuf, &c, NULL, len);
	return ret;
}

int vcm_sim_dma_to_mem(struct vcm_sim_dma *dma, const struct vcm_sim_sg *sg, size_t nsg,
		       const void *buf, uint64_t len)
{
	return buf_dma(dma, sg, nsg, NULL, buf, len, __func__);
}

int vcm_sim_dma_from_mem(struct vcm_sim_dma *dma, const struct vcm_sim_sg *sg, size_t nsg,
			 void *buf, uint64_t len)
{
	return buf_dma(dma, sg, nsg, buf, NULL, len, __func__);
}

/*
 * Whether two lists share a byte: the first @len bytes of each are looked at
 * (both lists checked, so no element they reach wraps). The answer decides
 * whether a copy goes through a buffer, so every way of finding it below must
 * give the same one.
 */

/* Every pair of elements: no memory needed, the fallback when sorting has none. */
static bool meet_pairwise(const struct vcm_sim_sg *a, size_t na, const struct vcm_sim_sg *b,
			  size_t nb, uint64_t len)
{
	uint64_t la = len;

	for (size_t i = 0; i < na && la != 0U; i++) {
		uint64_t n = a[i].len < la ? a[i].len : la, lb = len;

		la -= n;
		for (size_t j = 0; j < nb && lb != 0U && n != 0U; j++) {
			uint64_t m = b[j].len < lb ? b[j].len : lb;

			lb -= m;
			if (m != 0U && a[i].pa <= b[j].pa + (m - 1U) && b[j].pa <= a[i].pa + (n - 1U))
				return true;
		}
	}
	return false;
}

/* The bytes of one element a transfer reaches: [pa, last]. */
struct reach {
	vcm_pa_t pa;
	vcm_pa_t last;
};

/*
 * The first @len bytes of @sg: how many elements they reach (empty ones left
 * out), their lowest and highest byte in *@lo and *@hi, and, when @r is given,
 * each element's reach in it.
 */
static size_t sg_reach(const struct vcm_sim_sg *sg, size_t nsg, uint64_t len, struct reach *r,
		       vcm_pa_t *lo, vcm_pa_t *hi)
{
	uint64_t left = len;
	size_t k = 0;

	*lo = ~(vcm_pa_t)0;
	*hi = 0;
	for (size_t i = 0; i < nsg && left != 0U; i++) {
		uint64_t n = sg[i].len < left ? sg[i].len : left;
		vcm_pa_t last = sg[i].pa + (n - 1U);

		left -= n;
		if (n == 0U)
			continue;
		if (r != NULL)
			r[k] = (struct reach){ sg[i].pa, last };
		k++;
		*lo = sg[i].pa < *lo ? sg[i].pa : *lo;
		*hi = last > *hi ? last : *hi;
	}
	return k;
}

/* Heapsort by pa: in place, no recursion, n log n whatever the order given. */
static void reach_sift(struct reach *r, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2U * i + 1U;
		struct reach t;

		if (c >= n)
			return;
		if (c + 1U < n && r[c + 1U].pa > r[c].pa)
			c++;
		if (r[c].pa <= r[i].pa)
			return;
		t = r[i];
		r[i] = r[c];
		r[c] = t;
		i = c;
	}
}

static void reach_sort(struct reach *r, size_t n)
{
	for (size_t i = n / 2U; i > 0; i--)
		reach_sift(r, i - 1U, n);
	for (size_t end = n; end > 1U; end--) {
		struct reach t = r[0];

		r[0] = r[end - 1U];
		r[end - 1U] = t;
		reach_sift(r, 0, end - 1U);
	}
}

/*
 * Both lists sorted by pa, visited in one pass in pa order. Two elements share
 * a byte exactly when the one that starts later starts at or before the last
 * byte of the other, so each element need only be held against the furthest
 * last byte of the other list's elements visited before it.
 */
static bool meet_sorted(const struct reach *a, size_t na, const struct reach *b, size_t nb)
{
	vcm_pa_t end_a = 0, end_b = 0;
	bool seen_a = false, seen_b = false;
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		if (j == nb || (i < na && a[i].pa <= b[j].pa)) {
			if (seen_b && end_b >= a[i].pa)
				return true;
			end_a = a[i].last > end_a ? a[i].last : end_a;
			seen_a = true;
			i++;
		} else {
			if (seen_a && end_a >= b[j].pa)
				return true;
			end_b = b[j].last > end_b ? b[j].last : end_b;
			seen_b = true;
			j++;
		}
	}
	return false;
}

/*
 * Lists far apart (the usual case) are told by their hulls in one pass each;
 * lists whose hulls meet are sorted and swept, n log n. Comparing every pair
 * instead costs na * nb, seconds for lists of 100,000 elements.
 */
static bool lists_meet(struct vcm_sim_dma *dma, const struct vcm_sim_sg *a, size_t na,
		       const struct vcm_sim_sg *b, size_t nb, uint64_t len)
{
	const struct vcm_plat_ops *plat = dma->plat;
	vcm_pa_t lo_a, hi_a, lo_b, hi_b;
	size_t ka, kb, size;
	struct reach *r;
	bool meet;

	ka = sg_reach(a, na, len, NULL, &lo_a, &hi_a);
	kb = sg_reach(b, nb, len, NULL, &lo_b, &hi_b);
	if (ka == 0U || kb == 0U || hi_a < lo_b || hi_b < lo_a)
		return false;
	if (ka > SIZE_MAX / sizeof(*r) - kb)
		return meet_pairwise(a, na, b, nb, len);
	size = (ka + kb) * sizeof(*r);
	r = plat->meta_alloc(plat->ctx, size);
	if (r == NULL) /* the same answer, only slower */
		return meet_pairwise(a, na, b, nb, len);
	sg_reach(a, na, len, r, &lo_a, &hi_a);
	sg_reach(b, nb, len, r + ka, &lo_b, &hi_b);
	reach_sort(r, ka);
	reach_sort(r + ka, kb);
	meet = meet_sorted(r, ka, r + ka, kb);
	plat->meta_free(plat->ctx, r, size);
	return meet;
}

int vcm_sim_dma_copy(struct vcm_sim_dma *dma, const struct vcm_sim_sg *dst, size_t ndst,
		     const struct vcm_sim_sg *src, size_t nsrc, uint64_t len)
{
	struct cursor d = { dst, 0, 0 }, s = { src, 0, 0 };
	int ret;

	if (!valid_dma(dma))
		return -EINVAL;
	vcm_diag_enter(&dma->diag, __func__);
	ret = check_sg(dma, dst, ndst, len, "dst");
	if (ret == 0)
		ret = check_sg(dma, src, nsrc, len, "src");
	if (ret != 0)
		return ret;
	if (len != 0U && lists_meet(dma, dst, ndst, src, nsrc, len)) {
		/*
		 * A later piece would read what an earlier one wrote: the whole
		 * source goes through a buffer first, as the lists' contract says.
		 */
		const struct vcm_sim_dma_stats st = dma->st;
		uint8_t *buf = len <= SIZE_MAX ? dma->plat->meta_alloc(dma->plat->ctx, (size_t)len) :
						 NULL;

		if (buf == NULL)
			return VCM_ERR(&dma->diag, -ENOMEM,
				       "no metadata (meta_alloc) for a %#llx-byte bounce buffer: "
				       "the lists overlap", vcm_ull(len));
		run(dma, NULL, buf, &s, NULL, len);
		dma->st = st; /* one transfer: counted by its pieces into dst */
		run(dma, &d, NULL, NULL, buf, len);
		dma->plat->meta_free(dma->plat->ctx, buf, (size_t)len);
		return 0;
	}
	run(dma, &d, NULL, &s, NULL, len);
	return 0;
}

void vcm_sim_dma_stats(const struct vcm_sim_dma *dma, struct vcm_sim_dma_stats *st)
{
	if (st == NULL)
		return;
	if (!valid_dma(dma)) {
		sim_memset(st, 0, sizeof(*st));
		return;
	}
	*st = dma->st;
}

const char *vcm_sim_dma_last_error(const struct vcm_sim_dma *dma)
{
	if (!valid_dma(dma))
		return "vcm_sim_dma_last_error: dma is NULL or not an engine";
	return dma->diag.msg;
}
