// SPDX-License-Identifier: MIT
/*
 * The format-neutral front of the page-table layer: checks every argument,
 * records what was wrong in the table's diag, then hands the work to the
 * format's ops (the shared walker compiled for that format). Nothing here knows
 * a page-table bit.
 */
#include "pt_internal.h"

static bool live(const struct vcm_pt *pt)
{
	return pt != NULL && pt->magic == VCM_PT_MAGIC;
}

void vcm_pt_geometry_(struct vcm_pt *pt, unsigned int levels, unsigned int granule_lg2,
		      unsigned int bits)
{
	pt->levels = levels;
	pt->granule_lg2 = granule_lg2;
	for (unsigned int lvl = 0; lvl < levels; lvl++) {
		pt->shift[lvl] = granule_lg2 + lvl * bits;
		pt->items_lg2[lvl] = bits;
		pt->contig_lg2[lvl] = 0;
		pt->leaf_ok[lvl] = false;
	}
	/* The top level resolves only what is left of the input address. */
	pt->items_lg2[levels - 1U] = pt->ias - pt->shift[levels - 1U];
}

const char *vcm_pt_fmt_name(const struct vcm_pt_fmt *fmt)
{
	return fmt != NULL ? fmt->name : "(none)";
}

/* The checks of @cfg that need no platform: the format and its fields. */
static int cfg_fields_check(const struct vcm_pt_cfg *cfg, struct vcm_diag *diag)
{
	if (cfg == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg is NULL");
	if (cfg->fmt == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg->fmt is NULL");
	if ((cfg->flags & ~VCM_PT_CFG_ALL) != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->flags has unknown bits %#x",
			       (unsigned int)(cfg->flags & ~VCM_PT_CFG_ALL));
	/* one place for every format: an extension flag the format does not take */
	if ((cfg->flags & VCM_PT_CFG_RISCV_ALL & ~cfg->fmt->cfg_ext) != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->flags %#x: RISC-V extensions on %s",
			       (unsigned int)(cfg->flags & VCM_PT_CFG_RISCV_ALL),
			       vcm_pt_fmt_name(cfg->fmt));
	if ((cfg->flags & VCM_PT_CFG_DIRTY & ~cfg->fmt->cfg_ext) != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->flags: %s has no hardware dirty state "
			       "(VCM_PT_CFG_DIRTY)", vcm_pt_fmt_name(cfg->fmt));
	if ((cfg->flags & VCM_PT_CFG_BBML2 & ~cfg->fmt->cfg_ext) != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->flags: VCM_PT_CFG_BBML2 is an ARMv8 feature; "
			       "%s %s", vcm_pt_fmt_name(cfg->fmt),
			       cfg->fmt->bbm ? "always breaks before making" :
					       "splits without a break already");
	return 0;
}

int vcm_pt_cfg_check(const struct vcm_pt_cfg *cfg, struct vcm_diag *diag)
{
	struct vcm_pt tmp = { 0 };
	int ret;

	vcm_diag_enter(diag, __func__);
	ret = cfg_fields_check(cfg, diag);
	if (ret != 0)
		return ret;
	/* the format's init only reads the cfg and fills in the geometry */
	tmp.fmt = cfg->fmt;
	tmp.cfg = *cfg;
	tmp.memo_prot = VCM_PT_MEMO_NONE;
	return cfg->fmt->init(&tmp, diag);
}

int vcm_pt_create(const struct vcm_pt_cfg *cfg, struct vcm_pt **out, struct vcm_diag *diag)
{
	const struct vcm_plat_ops *plat;
	struct vcm_pt *pt;
	void *root;
	int ret;

	vcm_diag_enter(diag, __func__);
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	*out = NULL;
	ret = cfg_fields_check(cfg, diag);
	if (ret != 0)
		return ret;
	plat = cfg->plat;
	if (plat == NULL || plat->table_alloc == NULL || plat->table_free == NULL ||
	    plat->pa_to_cpu == NULL || plat->meta_alloc == NULL || plat->meta_free == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg->plat lacks a required op "
			       "(table_alloc, table_free, pa_to_cpu, meta_alloc, meta_free)");

	pt = plat->meta_alloc(plat->ctx, sizeof(*pt));
	if (pt == NULL)
		return VCM_ERR(diag, -ENOMEM, "no memory for the table object");
	*pt = (struct vcm_pt){ 0 };
	pt->fmt = cfg->fmt;
	pt->hitless = !cfg->fmt->bbm || (cfg->flags & VCM_PT_CFG_BBML2) != 0U;
	pt->cfg = *cfg;
	pt->plat = *plat;
	pt->memo_prot = VCM_PT_MEMO_NONE;
	ret = cfg->fmt->init(pt, diag);
	if (ret != 0)
		goto fail;
	VCM_ASSERT(pt->levels >= 1U && pt->levels <= VCM_PT_MAX_LEVELS);
	pt->root_size = vcm_pt_table_size_(pt, pt->levels - 1U, pt->item_lg2);
	if (plat->table_alloc(plat->ctx, pt->root_size, pt->root_size, &pt->root_pa, &root) != 0) {
		ret = VCM_ERR(diag, -ENOMEM, "no table memory for the %#llx-byte top level",
			      vcm_ull(pt->root_size));
		goto fail;
	}
	if (!vcm_pt_table_reachable_(pt, pt->root_pa, pt->root_size)) {
		ret = VCM_ERR(diag, -ERANGE,
			      "table memory at pa %#llx (top level) is beyond the %u-bit output space",
			      vcm_ull(pt->root_pa), pt->oas);
		plat->table_free(plat->ctx, pt->root_pa, root, pt->root_size);
		goto fail;
	}
	pt->root = root;
	if (vcm_pt_mem_init_(pt) != 0) {
		ret = VCM_ERR(diag, -ENOMEM, "no memory for the table counts");
		plat->table_free(plat->ctx, pt->root_pa, root, pt->root_size);
		goto fail;
	}
	pt->table_bytes = pt->root_size;
	pt->gran_mask = vcm_low_mask(pt->granule_lg2);
	pt->da_max = vcm_low_mask(pt->ias);
	pt->pa_max = vcm_low_mask(pt->oas);
	for (unsigned int lvl = 0; lvl < pt->levels; lvl++)
		if (pt->leaf_ok[lvl])
			pt->single_sizes |= UINT64_C(1) << pt->shift[lvl];
	pt->magic = VCM_PT_MAGIC;
	*out = pt;
	return 0;
fail:
	plat->meta_free(plat->ctx, pt, sizeof(*pt));
	return ret;
}

int vcm_pt_destroy(struct vcm_pt *pt)
{
	struct vcm_plat_ops plat;

	if (!live(pt))
		return 0;
	pt->fmt->free_all(pt);
	pt->plat.table_free(pt->plat.ctx, pt->root_pa, pt->root, pt->root_size);
	vcm_pt_mem_fini_(pt);
	pt->magic = 0;
	plat = pt->plat;
	plat.meta_free(plat.ctx, pt, sizeof(*pt));
	return 0;
}

/* [da, da + len) is a nonempty span inside the input space. */
static int check_span(struct vcm_pt *pt, vcm_da_t da, uint64_t len)
{
	if (len == 0U)
		return VCM_ERR(&pt->diag, -EINVAL, "len is 0");
	if (da + len - 1U < da)
		return VCM_ERR(&pt->diag, -EOVERFLOW, "da %#llx + len %#llx wraps",
			       vcm_ull(da), vcm_ull(len));
	if (da + len - 1U > vcm_low_mask(pt->ias))
		return VCM_ERR(&pt->diag, -ERANGE,
			       "da %#llx + len %#llx is beyond the %u-bit input space",
			       vcm_ull(da), vcm_ull(len), pt->ias);
	return 0;
}

/* check_span(), and da and len aligned to the granule (map and unmap). */
static int check_range(struct vcm_pt *pt, vcm_da_t da, uint64_t len)
{
	uint64_t gran = UINT64_C(1) << pt->granule_lg2;

	if (len != 0U && !vcm_is_aligned(da, gran))
		return VCM_ERR(&pt->diag, -EINVAL, "da %#llx is not %#llx-aligned",
			       vcm_ull(da), vcm_ull(gran));
	if (len != 0U && !vcm_is_aligned(len, gran))
		return VCM_ERR(&pt->diag, -EINVAL, "len %#llx is not a multiple of %#llx",
			       vcm_ull(len), vcm_ull(gran));
	return check_span(pt, da, len);
}

/* The attribute bits of @prot: the memo of the last prot, or checked and encoded afresh. */
static int prot_attr(struct vcm_pt *pt, unsigned int prot,
		     struct vcm_pt_attr *attr)
{
	int ret;

	if (prot == pt->memo_prot) {
		*attr = pt->memo_attr;
		return 0;
	}
	ret = vcm_pt_prot_check(prot, &pt->diag);
	if (ret != 0)
		return ret;
	attr->sizes_ok = ~UINT64_C(0);
	ret = pt->fmt->prot_to_attr(pt, prot, attr);
	if (ret != 0)
		return ret;
	pt->memo_prot = prot;
	pt->memo_attr = *attr;
	pt->memo_sizes = pt->sizes & attr->sizes_ok;
	return 0;
}

/*
 * The usual map in one test: [da, +len) at pa nonempty, inside both spaces
 * without wrapping, and da, pa and len aligned to @align_mask + 1, the
 * smallest leaf allowed (a multiple of the granule). True means every check
 * of map_check() passes; false means nothing, and the checks run one by one.
 */
static inline bool map_args_ok(const struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa, uint64_t len,
			       uint64_t align_mask)
{
	const vcm_da_t last = da + len - 1U;
	const vcm_pa_t pa_last = pa + len - 1U;

	return len != 0U && ((da | pa | len) & align_mask) == 0U && last >= da &&
	       last <= pt->da_max && pa_last >= pa && pa_last <= pt->pa_max;
}

/* vcm_pt_map()'s one range has no index: its messages carry no "seg[i]: ". */
#define ONE_RANGE UINT64_MAX

/* "seg[@i]: " into @buf, or "" for ONE_RANGE: where a piece's messages point. */
/* @v in decimal at @buf (no libc: the layer also runs freestanding); the digits written. */
static unsigned int put_dec(char *buf, uint64_t v)
{
	char digits[20];
	unsigned int n = 0, o = 0;

	do {
		digits[n++] = (char)('0' + v % 10U);
		v /= 10U;
	} while (v != 0U);
	while (n != 0U)
		buf[o++] = digits[--n];
	return o;
}

static const char *piece_name(char buf[32], uint64_t i)
{
	unsigned int o = 0;

	if (i == ONE_RANGE)
		return "";
	for (const char *p = "seg["; *p != '\0'; p++)
		buf[o++] = *p;
	o += put_dec(buf + o, i);
	buf[o++] = ']';
	buf[o++] = ':';
	buf[o++] = ' ';
	buf[o] = '\0';
	return buf;
}

/* A piece of output every check of piece_fail() passes, in one test
 * (@mask: the smallest leaf - 1). */
static inline bool piece_ok(const struct vcm_pt *pt, vcm_pa_t pa, uint64_t len, uint64_t mask)
{
	const vcm_pa_t pa_last = pa + len - 1U;

	return len != 0U && ((pa | len) & mask) == 0U && pa_last >= pa && pa_last <= pt->pa_max;
}

/*
 * @sizes as the leaf sizes it holds, "4K|64K|1M", into @buf (room for all 64:
 * SIZE_LIST_LEN). A bitmap printed as one number reads as one size: 0x1100000
 * is 1M|16M, not 17 MiB.
 */
#define SIZE_LIST_LEN (64U * 5U + 1U)
static const char *size_list(char buf[SIZE_LIST_LEN], uint64_t sizes)
{
	static const char unit[] = { '\0', 'K', 'M', 'G', 'T', 'P', 'E' };
	unsigned int o = 0;

	for (unsigned int n = 0; n < 64U; n++) {
		if ((sizes >> n & 1U) == 0U)
			continue;
		if (o != 0U)
			buf[o++] = '|';
		o += put_dec(buf + o, UINT64_C(1) << (n % 10U));
		if (unit[n / 10U] != '\0')
			buf[o++] = unit[n / 10U];
	}
	buf[o] = '\0';
	return buf;
}

/*
 * The prot leaves the call no leaf size (@eff 0): the table has none the prot
 * can use (@prot_sizes, the format's), or the call's @call sizes exclude all
 * of those it has. -EOPNOTSUPP, said which.
 */
static int sizes_fail(struct vcm_pt *pt, unsigned int prot, uint64_t prot_sizes, uint64_t call)
{
	char a[SIZE_LIST_LEN], b[SIZE_LIST_LEN];

	if ((pt->sizes & prot_sizes) == 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
				"prot %#x needs leaves of %s, and this table uses only %s", prot,
				size_list(a, prot_sizes), size_list(b, pt->sizes));
	return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			"prot %#x can use leaves of %s in this table, and sizes %#llx (%s) has "
			"none of them", prot, size_list(a, pt->sizes & prot_sizes), vcm_ull(call),
			size_list(b, call));
}

/*
 * What is wrong with the piece of output [@pa, @pa + @len) when piece_ok()
 * said no, named: nonempty, a multiple of the granule, pa aligned to it, no
 * wrap, inside the output space; else no leaf size left (sizes_fail()), or
 * not aligned to the smallest of the sizes @eff the call may use. @i: the
 * piece's index in a list, or ONE_RANGE.
 */
static int piece_fail(struct vcm_pt *pt, uint64_t i, vcm_pa_t pa, uint64_t len,
		      unsigned int prot, uint64_t prot_sizes, uint64_t call, uint64_t eff)
{
	const uint64_t gran = UINT64_C(1) << pt->granule_lg2;
	char buf[32], list[SIZE_LIST_LEN];
	const char *who = piece_name(buf, i);

	if (len == 0U)
		return VCM_ERR(&pt->diag, -EINVAL, "%slen is 0", who);
	if (!vcm_is_aligned(len, gran))
		return VCM_ERR(&pt->diag, -EINVAL, "%slen %#llx is not a multiple of %#llx",
				who, vcm_ull(len), vcm_ull(gran));
	if (!vcm_is_aligned(pa, gran))
		return VCM_ERR(&pt->diag, -EINVAL, "%spa %#llx is not %#llx-aligned", who,
				vcm_ull(pa), vcm_ull(gran));
	if (pa + len - 1U < pa)
		return VCM_ERR(&pt->diag, -EOVERFLOW, "%spa %#llx + len %#llx wraps", who,
				vcm_ull(pa), vcm_ull(len));
	if (pa + len - 1U > pt->pa_max)
		return VCM_ERR(&pt->diag, -ERANGE,
				"%spa %#llx + len %#llx is beyond the %u-bit output space", who,
				vcm_ull(pa), vcm_ull(len), pt->oas);
	if (eff == 0U)
		return sizes_fail(pt, prot, prot_sizes, call);
	return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			"%sprot %#x can use only leaves of %s here, and the %s is not %#llx-aligned",
			who, prot, size_list(list, eff), i == ONE_RANGE ? "range" : "piece",
			vcm_ull(vcm_lowbit(eff)));
}

/*
 * Every check of a map, in one place, for vcm_pt_map(), vcm_pt_map_sizes()
 * (whose fast paths take the usual call in one test and come here only when
 * it fails) and vcm_pt_map_segs(): prot, then each piece of output and the
 * sum of their lengths, then the input range [@da, @da + that sum), each
 * aligned to the smallest leaf the prot allows among @sizes (0: every size
 * of the table). Nothing is written: all or nothing needs no rollback for
 * these. @list: @seg is a list (messages name its pieces "seg[i]: "), not
 * vcm_pt_map()'s one range. On success *@attr and *@sizes are what the
 * format's walker takes, *@len the sum.
 */
static int map_check(struct vcm_pt *pt, vcm_da_t da, const struct vcm_seg *seg, uint64_t nr,
		     bool list, unsigned int prot, struct vcm_pt_attr *attr,
		     uint64_t *sizes, uint64_t *len)
{
	const uint64_t call = *sizes;
	char buf[SIZE_LIST_LEN];
	uint64_t min, sum = 0;
	int ret;

	ret = prot_attr(pt, prot, attr);
	if (ret != 0)
		return ret;
	*sizes = (*sizes != 0U ? *sizes : pt->sizes) & pt->sizes & attr->sizes_ok;
	/* Every leaf size is a multiple of the smallest, so its alignment is enough. */
	min = vcm_lowbit(*sizes);
	for (uint64_t i = 0; i < nr; i++) {
		if (min == 0U || !piece_ok(pt, seg[i].pa, seg[i].len, min - 1U))
			return piece_fail(pt, list ? i : ONE_RANGE, seg[i].pa, seg[i].len, prot,
					  attr->sizes_ok, call, *sizes);
		if (sum + seg[i].len < sum)
			return VCM_ERR(&pt->diag, -EOVERFLOW,
					"seg[%llu]: the lengths add up past 2^64", vcm_ull(i));
		sum += seg[i].len;
	}
	ret = check_range(pt, da, sum);
	if (ret != 0)
		return ret;
	if (!vcm_is_aligned(da, min))
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
				"prot %#x can use only leaves of %s here, and da %#llx is not "
				"%#llx-aligned", prot, size_list(buf, *sizes), vcm_ull(da),
				vcm_ull(min));
	*len = sum;
	return 0;
}

/*
 * vcm_pt_map() (@sizes 0: every size of the table) and vcm_pt_map_sizes()
 * (@sizes checked to keep the granule, so never 0) when their one test
 * failed: the checks one by one, then the walk. Six arguments, so the public
 * calls reach it by a tail call (each has entered its own name).
 */
PT_NOINLINE /* the public calls' fast paths stay frameless */
static int map_checked(struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa, uint64_t len,
		       unsigned int prot, uint64_t sizes)
{
	const struct vcm_seg one = { .pa = pa, .len = len };
	struct vcm_pt_attr attr;
	int ret = map_check(pt, da, &one, 1, false, prot, &attr, &sizes, &len);

	if (ret != 0)
		return ret;
	return pt->fmt->map(pt, da, pa, len, &attr, sizes);
}

int vcm_pt_map_sizes(struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa, uint64_t len,
		     unsigned int prot, uint64_t sizes)
{
	uint64_t gran;

	if (!live(pt))
		return -EINVAL;
	vcm_diag_enter(&pt->diag, __func__);
	/* the last prot again, and sizes that keep the granule: one test */
	if (prot == pt->memo_prot && (sizes & pt->memo_sizes & (pt->gran_mask + 1U)) != 0U &&
	    map_args_ok(pt, da, pa, len, vcm_lowbit(sizes & pt->memo_sizes) - 1U))
		return pt->fmt->map(pt, da, pa, len, &pt->memo_attr,
				    sizes & pt->memo_sizes);
	gran = UINT64_C(1) << pt->granule_lg2;
	if ((sizes & gran) == 0U)
		return VCM_ERR(&pt->diag, -EINVAL, "sizes %#llx lacks the granule %#llx",
			       vcm_ull(sizes), vcm_ull(gran));
	return map_checked(pt, da, pa, len, prot, sizes);
}

int vcm_pt_map(struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	if (!live(pt))
		return -EINVAL;
	vcm_diag_enter(&pt->diag, __func__);
	/* the last prot again: one test (memo_sizes 0 fails it through the mask) */
	if (prot == pt->memo_prot && map_args_ok(pt, da, pa, len, vcm_lowbit(pt->memo_sizes) - 1U))
		return pt->fmt->map(pt, da, pa, len, &pt->memo_attr, pt->memo_sizes);
	return map_checked(pt, da, pa, len, prot, 0);
}

int vcm_pt_map_segs(struct vcm_pt *pt, vcm_da_t da, const struct vcm_seg *seg, uint64_t nr,
		    unsigned int prot)
{
	struct vcm_pt_attr attr;
	uint64_t sizes = 0, len = 0;
	int ret;

	if (!live(pt))
		return -EINVAL;
	vcm_diag_enter(&pt->diag, __func__);
	if (seg == NULL)
		return VCM_ERR(&pt->diag, -EINVAL, "seg is NULL");
	if (nr == 0U)
		return VCM_ERR(&pt->diag, -EINVAL, "nr is 0");
	ret = map_check(pt, da, seg, nr, true, prot, &attr, &sizes, &len);
	if (ret != 0)
		return ret;
	return pt->fmt->map_segs(pt, da, seg, nr, len, &attr, sizes);
}

int vcm_pt_unmap(struct vcm_pt *pt, vcm_da_t da, uint64_t len, uint64_t *unmapped)
{
	int ret;

	if (unmapped != NULL)
		*unmapped = 0;
	if (!live(pt))
		return -EINVAL;
	vcm_diag_enter(&pt->diag, __func__);
	/* one test for the usual call; the checks one by one name what is wrong */
	if (len == 0U || ((da | len) & pt->gran_mask) != 0U || da + len - 1U < da ||
	    da + len - 1U > pt->da_max) {
		ret = check_range(pt, da, len);
		if (ret != 0)
			return ret;
	}
	return pt->fmt->unmap(pt, da, da + len - 1U, unmapped);
}

/*
 * The queries below may run inside another call on the same table (a flush
 * or walk callback looking entries up): each hands the outer call's name back
 * when it returns.
 */
int vcm_pt_lookup(struct vcm_pt *pt, vcm_da_t da, struct vcm_pt_leaf *out)
{
	const char *outer;
	int ret;

	if (!live(pt))
		return -EINVAL;
	outer = vcm_diag_enter(&pt->diag, __func__);
	if (out == NULL)
		ret = VCM_ERR(&pt->diag, -EINVAL, "out is NULL");
	else if (da > vcm_low_mask(pt->ias))
		ret = VCM_ERR(&pt->diag, -ERANGE, "da %#llx is beyond the %u-bit input space",
			      vcm_ull(da), pt->ias);
	else
		ret = pt->fmt->lookup(pt, da, out);
	vcm_diag_leave(&pt->diag, outer);
	return ret;
}

int vcm_pt_walk(struct vcm_pt *pt, vcm_da_t da, uint64_t len,
		int (*fn)(void *arg, const struct vcm_pt_leaf *leaf), void *arg)
{
	const char *outer;
	int ret;

	if (!live(pt))
		return -EINVAL;
	outer = vcm_diag_enter(&pt->diag, __func__);
	if (fn == NULL)
		ret = VCM_ERR(&pt->diag, -EINVAL, "fn is NULL");
	else
		ret = check_span(pt, da, len);
	if (ret == 0)
		ret = pt->fmt->walk(pt, da, da + len - 1U, fn, arg);
	vcm_diag_leave(&pt->diag, outer);
	return ret;
}

int vcm_pt_read_clear_dirty(struct vcm_pt *pt, vcm_da_t da, uint64_t len, unsigned int flags,
			    int (*fn)(void *arg, vcm_da_t da, uint64_t len), void *arg)
{
	const char *outer;
	int ret;

	if (!live(pt))
		return -EINVAL;
	outer = vcm_diag_enter(&pt->diag, __func__);
	if (fn == NULL)
		ret = VCM_ERR(&pt->diag, -EINVAL, "fn is NULL");
	else if ((flags & ~VCM_DIRTY_NO_CLEAR) != 0U)
		ret = VCM_ERR(&pt->diag, -EINVAL, "flags has unknown bits %#x",
			      flags & ~VCM_DIRTY_NO_CLEAR);
	else if ((pt->cfg.flags & VCM_PT_CFG_DIRTY) == 0U)
		ret = VCM_ERR(&pt->diag, -EINVAL,
			      "pt: created without VCM_PT_CFG_DIRTY, its leaves record no writes");
	else
		ret = check_span(pt, da, len);
	if (ret == 0)
		ret = pt->fmt->read_clear_dirty(pt, da, da + len - 1U,
						(flags & VCM_DIRTY_NO_CLEAR) == 0U, fn, arg);
	vcm_diag_leave(&pt->diag, outer);
	return ret;
}

/* One flush of [@da, @da + @len) (@len != 0) through whichever op the table has. */
static void tlb_call(struct vcm_pt *pt, vcm_da_t da, uint64_t len, uint64_t sizes, bool leaf)
{
	const struct vcm_pt_tlb_ops *tlb = pt->cfg.tlb;

	if (tlb->flush_range_hint != NULL) {
		const struct vcm_tlb_hint hint = { .leaf_sizes = sizes, .leaf_only = leaf };

		tlb->flush_range_hint(pt->cfg.tlb_ctx, da, len, &hint);
	} else if (tlb->flush_range != NULL) {
		tlb->flush_range(pt->cfg.tlb_ctx, da, len, leaf);
	}
}

void vcm_pt_tlb_flush_(struct vcm_pt *pt, vcm_da_t first, vcm_da_t last, uint64_t sizes,
		       bool leaf)
{
	if ((pt->cfg.flags & VCM_PT_CFG_TLB_SUM) == 0U) {
		/* nobody asks: nothing summed */
	} else if (!pt->tlb_summed) {
		pt->tlb_sum.leaf_sizes = sizes;
		pt->tlb_sum.leaf_only = leaf;
		pt->tlb_summed = true;
	} else {
		/* an unknown size (0) stays unknown */
		pt->tlb_sum.leaf_sizes = pt->tlb_sum.leaf_sizes == 0U || sizes == 0U ?
						 0U : pt->tlb_sum.leaf_sizes | sizes;
		pt->tlb_sum.leaf_only = pt->tlb_sum.leaf_only && leaf;
	}
	if (pt->cfg.tlb == NULL)
		return;
	/* the whole of a 64-bit space has no length: flush it as two halves */
	if (first == 0U && last == UINT64_MAX) {
		tlb_call(pt, 0, UINT64_C(1) << 63, sizes, leaf);
		first = UINT64_C(1) << 63;
	}
	tlb_call(pt, first, last - first + 1U, sizes, leaf);
}

int vcm_pt_check_(struct vcm_pt *pt)
{
	const char *outer;
	int ret;

	if (!live(pt))
		return -EINVAL;
	outer = vcm_diag_enter(&pt->diag, __func__);
	ret = pt->fmt->check(pt);
	vcm_diag_leave(&pt->diag, outer);
	return ret;
}

int vcm_pt_hw(struct vcm_pt *pt, struct vcm_hw_regs *out)
{
	if (!live(pt))
		return -EINVAL;
	if (out == NULL) {
		const char *outer = vcm_diag_enter(&pt->diag, __func__);
		int ret = VCM_ERR(&pt->diag, -EINVAL, "out is NULL");

		vcm_diag_leave(&pt->diag, outer);
		return ret;
	}
	*out = (struct vcm_hw_regs){ 0 };
	out->root_pa = pt->root_pa;
	out->root_size = pt->root_size;
	out->levels = pt->levels;
	out->start_level = pt->start_level;
	out->concat = 1;
	out->fmt = vcm_pt_fmt_name(pt->fmt);
	pt->fmt->hw(pt, out);
	return 0;
}

uint64_t vcm_pt_page_sizes(const struct vcm_pt *pt)
{
	return live(pt) ? pt->sizes : 0U;
}

bool vcm_pt_tlb_hint(struct vcm_pt *pt, struct vcm_tlb_hint *hint)
{
	if (!live(pt) || hint == NULL || !pt->tlb_summed)
		return false;
	*hint = pt->tlb_sum;
	pt->tlb_summed = false;
	return true;
}

unsigned int vcm_pt_ias(const struct vcm_pt *pt)
{
	return live(pt) ? pt->ias : 0U;
}

uint64_t vcm_pt_table_bytes(const struct vcm_pt *pt)
{
	return live(pt) ? pt->table_bytes : 0U;
}

uint64_t vcm_pt_pool_bytes(const struct vcm_pt *pt)
{
	return live(pt) ? (uint64_t)pt->npool * pt->tbl_size : 0U;
}

const char *vcm_pt_last_error(const struct vcm_pt *pt)
{
	return live(pt) ? pt->diag.msg : "not a live page table";
}
