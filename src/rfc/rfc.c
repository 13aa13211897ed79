// SPDX-License-Identifier: MIT
/*
 * The 2010 calls (include/vcm/rfc.h) over the default system: each turns its
 * RFC arguments into the native graph call (include/vcm/vcm.h) and its result
 * into the RFC's form (NULL / 0 / negative errno, with this thread's errno and
 * message). The only logic of its own: attribute words, device names, the
 * chunk cursor of vcm_get_next_phys_addr(), and the fault on a failed lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "rfc_internal.h"
#include "../graph/handle_sys.h"

/*
 * Every call has the same frame: rfc_get_(__func__) names the call for this
 * thread and finds the system (else -ENODEV is recorded), then the native
 * result is recorded as this thread's last one, under the 2010 name.
 */

/* The system with success recorded, for calls that cannot fail once it exists. */
static struct rfc_sys *enter_ok(const char *fn)
{
	struct rfc_sys *s = rfc_get_(fn);

	if (s != NULL)
		rfc_ok_();
	return s;
}

/*
 * The 2010 design's errno for a native one: it has no -ENOSPC, -ERANGE or
 * -EOVERFLOW; no room is -ENOMEM, a length larger than the space or a range
 * that wraps is a bad argument (-EINVAL). The message keeps the native text.
 */
static int rfc_errno(int ret)
{
	switch (ret) {
	case -ENOSPC:
		return -ENOMEM;
	case -ERANGE:
	case -EOVERFLOW:
		return -EINVAL;
	default:
		return ret;
	}
}

/* Record native result @ret: 0 on success, else @ret in the 2010 form. */
static int leave(int ret)
{
	return ret < 0 ? rfc_sys_err_(rfc_errno(ret)) : rfc_ok_();
}

/*
 * A NULL handle: the native call finds no system to record its refusal in,
 * so the message naming the argument is made here. Records -EINVAL.
 */
static bool nonnull(const void *h, const char *what)
{
	if (h != NULL)
		return true;
	rfc_fail_(-EINVAL, "%s is NULL", what);
	return false;
}

/*
 * Is @h a handle of the default system? The native calls serve any live
 * system's handles, so without this a handle of another system (one of
 * vcm.h's own, or a SoC's) would be used, or changed, there. NULL and other
 * systems' handles record -EINVAL naming @what; a freed handle of this
 * system passes, for the native call to refuse.
 */
static bool ours(const void *h, const char *what)
{
	const struct rfc_sys *s = rfc_sys_;

	if (!nonnull(h, what))
		return false;
	if (s != NULL && vcm_handle_sys_(h) == s->sys)
		return true;
	rfc_fail_(-EINVAL, "%s %p is not a handle of the default system", what, h);
	return false;
}

static bool ours2(const void *h1, const char *what1, const void *h2, const char *what2)
{
	return ours(h1, what1) && ours(h2, what2);
}

/*
 * Handle checks for the getters, whose native calls answer 0 or NULL for a
 * bad handle: each records -EINVAL naming the argument, or success. A VCM, a
 * reservation and a bound all have a non-zero length while they live.
 */
static bool vcm_live(struct vcm *vcm, const char *what)
{
	if (!ours(vcm, what))
		return false;
	if (vcm_get_len(vcm) != 0U)
		return true;
	rfc_fail_(-EINVAL, "%s %p is not a live VCM", what, (void *)vcm);
	return false;
}

static bool res_live(struct vcm_res *res, const char *what)
{
	if (!ours(res, what))
		return false;
	if (vcm_get_vcm_from_res(res) != NULL)
		return true;
	rfc_fail_(-EINVAL, "%s %p is not a live reservation", what, (void *)res);
	return false;
}

static bool bound_live(struct vcm_bound *bound)
{
	if (!ours(bound, "bound"))
		return false;
	if (vcm_get_bound_len(bound) != 0U)
		return true;
	rfc_fail_(-EINVAL, "bound %p is not a live bound", (void *)bound);
	return false;
}

/* The device @dev_id names, or NULL after recording -ENODEV. */
static struct rfc_dev *dev_find(struct rfc_sys *s, const char *dev_id)
{
	struct rfc_dev *d = rfc_dev_find_(s, dev_id);

	if (d == NULL)
		rfc_fail_(-ENODEV, "dev_id \"%s\" names no device", dev_id ? dev_id : "(null)");
	return d;
}

/* ---- attribute words ----------------------------------------------------- */

#define RES_ACCESS (VCM_RFC_READ | VCM_RFC_WRITE | VCM_RFC_EXECUTE)
#define RES_KNOWN  (RES_ACCESS | VCM_RFC_USER | VCM_RFC_SUPERVISOR | VCM_RFC_SECURE | \
		    VCM_RFC_CACHE_MASK | VCM_RFC_ALIGN_MASK)
#define PHYS_SIZES (VCM_RFC_4KB | VCM_RFC_64KB | VCM_RFC_1MB)
#define PHYS_KNOWN (PHYS_SIZES | VCM_RFC_ALL | VCM_RFC_PHYS_CONT | VCM_RFC_COHERENT | \
		    VCM_RFC_ALIGN_MASK)

/* The alignment field: *@lg2 = 12..30 (0 in the field = 12). */
static int align_lg2(uint32_t attr, unsigned int *lg2)
{
	unsigned int v = (attr & VCM_RFC_ALIGN_MASK) >> VCM_RFC_ALIGN_SHIFT;

	if (v == 0U)
		v = 12U;
	if (v < 12U || v > 30U)
		return rfc_fail_(-EINVAL, "attr alignment field %u is not 12 (4K) .. 30 (1G)",
				 v);
	*lg2 = v;
	return 0;
}

/* A reservation's attribute word -> native prot and alignment. */
static int res_attr(uint32_t attr, unsigned int *prot, uint64_t *align)
{
	unsigned int lg2 = 12, p = 0;
	int ret;

	if ((attr & ~RES_KNOWN) != 0U)
		return rfc_fail_(-EINVAL, "attr bits %#x are unknown", attr & ~RES_KNOWN);
	ret = align_lg2(attr, &lg2);
	if (ret < 0)
		return ret;
	if ((attr & RES_ACCESS) == 0U)
		attr |= VCM_RFC_READ | VCM_RFC_WRITE; /* attr 0: an ordinary buffer */
	if (attr & VCM_RFC_READ)
		p |= VCM_PT_PROT_READ;
	if (attr & VCM_RFC_WRITE)
		p |= VCM_PT_PROT_WRITE;
	if (attr & VCM_RFC_EXECUTE)
		p |= VCM_PT_PROT_EXEC;
	if (attr & VCM_RFC_USER)
		p |= VCM_PT_PROT_USER;
	if (attr & VCM_RFC_SECURE)
		p |= VCM_PT_PROT_SECURE;
	/* The policy numbering is the page-table layer's (VCM_PT_CACHE_*). */
	p |= VCM_PT_PROT_INNER((attr >> VCM_RFC_CACHE_SHIFT) & 3U);
	p |= VCM_PT_PROT_OUTER((attr >> (VCM_RFC_CACHE_SHIFT + 2)) & 3U);
	*prot = p;
	*align = UINT64_C(1) << lg2;
	return 0;
}

static uint32_t res_attr_word(unsigned int prot, uint64_t align)
{
	uint32_t a = VCM_RFC_SUPERVISOR; /* privileged accesses are always allowed */
	unsigned int lg2 = 12;

	if (prot & VCM_PT_PROT_READ)
		a |= VCM_RFC_READ;
	if (prot & VCM_PT_PROT_WRITE)
		a |= VCM_RFC_WRITE;
	if (prot & VCM_PT_PROT_EXEC)
		a |= VCM_RFC_EXECUTE;
	if (prot & VCM_PT_PROT_USER)
		a |= VCM_RFC_USER;
	if (prot & VCM_PT_PROT_SECURE)
		a |= VCM_RFC_SECURE;
	a |= VCM_RFC_INNER((prot & VCM_PT_PROT_INNER_MASK) >> VCM_PT_PROT_INNER_SHIFT);
	a |= VCM_RFC_OUTER((prot & VCM_PT_PROT_OUTER_MASK) >> VCM_PT_PROT_OUTER_SHIFT);
	while (lg2 < 30U && (UINT64_C(1) << lg2) < align)
		lg2++;
	return a | VCM_RFC_ALIGN(lg2);
}

/* Physical attributes -> native chunk flags, and the alignment of a contiguous one. */
static int phys_flags(uint32_t attr, uint64_t *flags, uint64_t *align)
{
	uint64_t f = 0;
	unsigned int lg2 = 12;
	int ret;

	if ((attr & ~PHYS_KNOWN) != 0U)
		return rfc_fail_(-EINVAL, "attr bits %#x are unknown", attr & ~PHYS_KNOWN);
	ret = align_lg2(attr, &lg2);
	if (ret < 0)
		return ret;
	if (attr & VCM_RFC_PHYS_CONT) {
		if ((attr & (PHYS_SIZES | VCM_RFC_ALL)) != 0U)
			return rfc_fail_(-EINVAL, "attr %#x: VCM_PHYS_CONT with chunk sizes",
					 attr);
		*flags = VCM_PHYS_CONT;
		*align = UINT64_C(1) << lg2;
		return 0;
	}
	if ((attr & PHYS_SIZES) == 0U || (attr & VCM_RFC_ALL) != 0U)
		attr |= PHYS_SIZES;
	if (attr & VCM_RFC_4KB)
		f |= VCM_PHYS_4KB;
	if (attr & VCM_RFC_64KB)
		f |= VCM_PHYS_64KB;
	if (attr & VCM_RFC_1MB)
		f |= VCM_PHYS_1MB;
	/* Every chunk is aligned to its size: keep the sizes the alignment allows. */
	f &= ~((UINT64_C(1) << lg2) - 1U);
	if (f == 0U)
		return rfc_fail_(-EINVAL, "attr %#x: no allowed chunk size is aligned to %#llx",
				 attr, (unsigned long long)(UINT64_C(1) << lg2));
	*flags = f;
	return 0;
}

/* ---- VCMs ---------------------------------------------------------------- */

/* @v made, or NULL and the errno. */
static struct vcm *vcm_made(int ret, struct vcm *v)
{
	return leave(ret) < 0 ? NULL : v;
}

struct vcm *vcm_rfc_create(vcm_da_t start_addr, uint64_t len)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct vcm *v = NULL;
	int ret;

	if (s == NULL)
		return NULL;
	ret = vcm_create(s->sys, start_addr, len, &v);
	return vcm_made(ret, v);
}

struct vcm *vcm_rfc_create_one_to_one(vcm_pa_t start_addr, uint64_t len)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct vcm *v = NULL;
	int ret;

	if (s == NULL)
		return NULL;
	ret = vcm_create_one_to_one(s->sys, start_addr, len, &v);
	return vcm_made(ret, v);
}

struct vcm *vcm_rfc_create_from_prebuilt(unsigned int ext_vcm_id)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct rfc_dev *cpu;
	struct vcm *v = NULL;
	int ret;

	if (s == NULL)
		return NULL;
	if (ext_vcm_id != VCM_RFC_PREBUILT_KERNEL && ext_vcm_id != VCM_RFC_PREBUILT_USER) {
		rfc_fail_(-EINVAL, "ext_vcm_id %u is neither VCM_PREBUILT_KERNEL nor _USER",
			  ext_vcm_id);
		return NULL;
	}
	cpu = rfc_dev_find_(s, "cpu");
	if (cpu == NULL || cpu->dev == NULL) { /* the default SoC always has one */
		rfc_fail_(-ENODEV, "the default system has no cpu device");
		return NULL;
	}
	ret = vcm_create_prebuilt(s->sys, cpu->dev, ext_vcm_id == VCM_RFC_PREBUILT_USER, &v);
	if (ret == -EBUSY) {
		/* the native text says what holds the view (its window, the cpu's base), not which */
		char pre[48];

		snprintf(pre, sizeof(pre), "ext_vcm_id %u (the %s view): ", ext_vcm_id,
			 ext_vcm_id == VCM_RFC_PREBUILT_USER ? "user" : "kernel");
		rfc_sys_err_pre_(ret, pre);
		return NULL;
	}
	return vcm_made(ret, v);
}

struct vcm *vcm_rfc_clone(struct vcm *vcm)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct vcm *v = NULL;
	int ret;

	if (s == NULL)
		return NULL;
	if (!ours(vcm, "vcm"))
		return NULL;
	ret = vcm_clone(vcm, &v);
	return vcm_made(ret, v);
}

int vcm_rfc_free(struct vcm *vcm)
{
	struct rfc_sys *s = rfc_get_(__func__);

	if (s == NULL)
		return -ENODEV;
	if (!ours(vcm, "vcm"))
		return -EINVAL;
	return leave(vcm_free(vcm));
}

vcm_da_t vcm_rfc_get_start_addr(struct vcm *vcm)
{
	if (rfc_get_(__func__) == NULL || !vcm_live(vcm, "vcm"))
		return 0;
	rfc_ok_();
	return vcm_get_start_addr(vcm);
}

uint64_t vcm_rfc_get_len(struct vcm *vcm)
{
	uint64_t len;

	if (rfc_get_(__func__) == NULL || !ours(vcm, "vcm"))
		return 0;
	len = vcm_get_len(vcm);
	if (len == 0U)
		rfc_fail_(-EINVAL, "vcm %p is not a live VCM", (void *)vcm);
	else
		rfc_ok_();
	return len;
}

/* ---- reservations -------------------------------------------------------- */

static struct vcm_res *res_made(int ret, struct vcm_res *r)
{
	return leave(ret) == 0 ? r : NULL;
}

struct vcm_res *vcm_rfc_reserve(struct vcm *vcm, uint64_t len, uint32_t attr)
{
	struct vcm_res *r = NULL;
	unsigned int prot = 0;
	uint64_t align = 0;
	int ret;

	if (rfc_get_(__func__) == NULL || res_attr(attr, &prot, &align) < 0)
		return NULL;
	if (!ours(vcm, "vcm"))
		return NULL;
	ret = vcm_reserve(vcm, len, align, prot, &r);
	return res_made(ret, r);
}

struct vcm_res *vcm_rfc_reserve_at(unsigned int memtarget, struct vcm *vcm, uint64_t len,
				   uint32_t attr)
{
	struct vcm_res *r = NULL;
	unsigned int prot = 0;
	uint64_t align = 0, vlen;
	vcm_da_t start, da;
	int ret;

	if (rfc_get_(__func__) == NULL || !vcm_live(vcm, "vcm") ||
	    res_attr(attr, &prot, &align) < 0)
		return NULL;
	vlen = vcm_get_len(vcm);
	start = vcm_get_start_addr(vcm);
	if (len == 0U || len > vlen) {
		rfc_fail_(-EINVAL, "len %#llx is 0 or larger than the VCM (%#llx)",
			  (unsigned long long)len, (unsigned long long)vlen);
		return NULL;
	}
	switch (memtarget) {
	case VCM_RFC_START:
		da = (start + align - 1U) & ~(align - 1U);
		break;
	case VCM_RFC_END:
		da = (start + (vlen - len)) & ~(align - 1U);
		break;
	default:
		rfc_fail_(-EINVAL, "memtarget %u is neither VCM_START nor VCM_END", memtarget);
		return NULL;
	}
	ret = vcm_reserve_at(vcm, da, len, prot, &r);
	/* the 2010 design has no -EEXIST: a taken place is no room there */
	return res_made(ret == -EEXIST ? -ENOMEM : ret, r);
}

int vcm_rfc_unreserve(struct vcm_res *res)
{
	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours(res, "res"))
		return -EINVAL;
	return leave(vcm_unreserve(res));
}

struct vcm *vcm_rfc_get_vcm_from_res(struct vcm_res *res)
{
	if (rfc_get_(__func__) == NULL || !res_live(res, "res"))
		return NULL;
	rfc_ok_();
	return vcm_get_vcm_from_res(res);
}

uint64_t vcm_rfc_get_res_len(struct vcm_res *res)
{
	if (rfc_get_(__func__) == NULL || !res_live(res, "res"))
		return 0;
	rfc_ok_();
	return vcm_get_res_len(res);
}

int vcm_rfc_set_res_attr(struct vcm_res *res, uint32_t attr)
{
	unsigned int prot = 0, old_prot = 0;
	uint64_t align = 0, old_align = 0;
	int ret;

	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours(res, "res"))
		return -EINVAL;
	ret = res_attr(attr, &prot, &align);
	if (ret < 0)
		return ret;
	ret = vcm_get_res_attr(res, &old_prot, &old_align);
	if (ret < 0)
		return rfc_sys_err_(ret);
	/*
	 * The reservation is placed: its alignment is a fact, not an attribute.
	 * An attr asking for what it has, or less (the 4 KiB it was made with at
	 * a place vcm_reserve_at() found 1 GiB-aligned), is satisfied.
	 */
	if ((attr & VCM_RFC_ALIGN_MASK) != 0U && align > old_align)
		return rfc_fail_(-EINVAL, "attr asks alignment %#llx; the reservation has %#llx",
				 (unsigned long long)align, (unsigned long long)old_align);
	return leave(vcm_set_res_attr(res, prot));
}

uint32_t vcm_rfc_get_res_attr(struct vcm_res *res)
{
	unsigned int prot = 0;
	uint64_t align = 0;

	if (rfc_get_(__func__) == NULL)
		return 0;
	if (!ours(res, "res"))
		return 0;
	if (leave(vcm_get_res_attr(res, &prot, &align)) < 0)
		return 0;
	return res_attr_word(prot, align);
}

uint64_t vcm_rfc_get_num_res(struct vcm *vcm)
{
	if (rfc_get_(__func__) == NULL || !vcm_live(vcm, "vcm"))
		return 0;
	rfc_ok_();
	return vcm_get_num_res(vcm);
}

/* NULL with errno 0 only after the last reservation. */
struct vcm_res *vcm_rfc_get_next_res(struct vcm *vcm, struct vcm_res *res)
{
	if (rfc_get_(__func__) == NULL || !vcm_live(vcm, "vcm"))
		return NULL;
	if (res != NULL && vcm_get_vcm_from_res(res) != vcm) {
		rfc_fail_(-EINVAL, "res %p is not a live reservation of vcm %p", (void *)res,
			  (void *)vcm);
		return NULL;
	}
	rfc_ok_();
	return vcm_get_next_res(vcm, res);
}

uint64_t vcm_rfc_res_copy(struct vcm_res *to, uint64_t to_off, struct vcm_res *from,
			  uint64_t from_off, uint64_t len)
{
	if (rfc_get_(__func__) == NULL)
		return 0;
	if (!ours2(to, "to", from, "from"))
		return 0;
	return leave(vcm_res_copy(to, to_off, from, from_off, len)) == 0 ? len : 0;
}

uint64_t vcm_rfc_get_min_page_size(void)
{
	struct rfc_sys *s = enter_ok(__func__);

	return s != NULL ? vcm_get_min_page_size(s->sys) : 0;
}

/* ---- bounds -------------------------------------------------------------- */

struct vcm_bound *vcm_rfc_create_bound(struct vcm *vcm, uint64_t len)
{
	struct vcm_bound *b = NULL;

	if (rfc_get_(__func__) == NULL)
		return NULL;
	if (!ours(vcm, "vcm"))
		return NULL;
	return leave(vcm_create_bound(vcm, len, &b)) == 0 ? b : NULL;
}

int vcm_rfc_free_bound(struct vcm_bound *bound)
{
	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours(bound, "bound"))
		return -EINVAL;
	return leave(vcm_free_bound(bound));
}

struct vcm_res *vcm_rfc_reserve_from_bound(struct vcm_bound *bound, uint64_t len, uint32_t attr)
{
	struct vcm_res *r = NULL;
	unsigned int prot = 0;
	uint64_t align = 0;
	int ret;

	if (rfc_get_(__func__) == NULL || res_attr(attr, &prot, &align) < 0)
		return NULL;
	if (!ours(bound, "bound"))
		return NULL;
	ret = vcm_reserve_from_bound(bound, len, align, prot, &r);
	return res_made(ret, r);
}

vcm_da_t vcm_rfc_get_bound_start_addr(struct vcm_bound *bound)
{
	if (rfc_get_(__func__) == NULL || !bound_live(bound))
		return 0;
	rfc_ok_();
	return vcm_get_bound_start_addr(bound);
}

uint64_t vcm_rfc_get_bound_len(struct vcm_bound *bound)
{
	if (rfc_get_(__func__) == NULL || !bound_live(bound))
		return 0;
	rfc_ok_();
	return vcm_get_bound_len(bound);
}

/* ---- physical memory and backing ----------------------------------------- */

static struct vcm_mem *mem_made(int ret, struct vcm_mem *m)
{
	return leave(ret) < 0 ? NULL : m;
}

struct vcm_mem *vcm_rfc_phys_alloc(unsigned int memtype, uint64_t len, uint32_t attr)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct vcm_mem *m = NULL;
	uint64_t flags = 0, align = 0;
	int ret;

	if (s == NULL || phys_flags(attr, &flags, &align) < 0)
		return NULL;
	if (memtype >= RFC_NR_MEMTYPES) {
		rfc_fail_(-EINVAL, "memtype %u does not exist on this SoC (only 0)", memtype);
		return NULL;
	}
	if (flags == VCM_PHYS_CONT)
		ret = vcm_alloc_cont(s->sys, memtype, len, align, &m);
	else
		ret = vcm_alloc(s->sys, memtype, len, flags, &m);
	return mem_made(ret, m);
}

struct vcm_mem *vcm_rfc_map_phys_addr(vcm_pa_t phys, uint64_t len)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct vcm_mem *m = NULL;
	int ret;

	if (s == NULL)
		return NULL;
	ret = vcm_alloc_wrap(s->sys, phys, len, &m);
	return mem_made(ret, m);
}

int vcm_rfc_phys_free(struct vcm_mem *physmem)
{
	struct rfc_sys *s = rfc_get_(__func__);

	if (s == NULL)
		return -ENODEV;
	if (!ours(physmem, "physmem"))
		return -EINVAL;
	return leave(vcm_free_phys(s->sys, physmem));
}

int vcm_rfc_back(struct vcm_res *res, struct vcm_mem *physmem)
{
	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours2(res, "res", physmem, "physmem"))
		return -EINVAL;
	return leave(vcm_back(res, physmem));
}

int vcm_rfc_unback(struct vcm_res *res)
{
	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours(res, "res"))
		return -EINVAL;
	return leave(vcm_unback(res));
}

/* NULL with -ENOENT for a live reservation that is not backed. */
struct vcm_mem *vcm_rfc_get_physmem_from_res(struct vcm_res *res)
{
	struct vcm_mem *m;

	if (rfc_get_(__func__) == NULL || !res_live(res, "res"))
		return NULL;
	m = vcm_get_physmem_from_res(res);
	if (m == NULL)
		rfc_fail_(-ENOENT, "res %p is not backed", (void *)res);
	else
		rfc_ok_();
	return m;
}

int vcm_rfc_get_memtype_of_physalloc(struct vcm_mem *physmem)
{
	int ret;

	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours(physmem, "physmem"))
		return -EINVAL;
	ret = vcm_mem_memtype(physmem);
	if (ret < 0)
		return rfc_fail_(ret, ret == -ENOENT ? "physmem %p is a wrapped range (no memtype)"
				 : "physmem %p is not a live allocation",
				 (void *)physmem);
	rfc_ok_();
	return ret;
}

/*
 * The RFC iterates by the previous chunk's address. Per-thread cursors
 * remember where the last chunks handed out were, so a loop costs O(1) per
 * chunk, and so do up to NR_CURSORS loops interleaved (over several
 * allocations, or over one from several places); any other @phys is found
 * by a scan from the start.
 */
#define NR_CURSORS 8U

struct cursor {
	const struct vcm_mem *mem; /* NULL: free */
	vcm_pa_t pa;
	uint64_t iter;
};

static _Thread_local struct cursor cursors[NR_CURSORS];
static _Thread_local unsigned int cursor_next; /* the one replaced next */

static struct cursor *cursor_find(const struct vcm_mem *mem, vcm_pa_t pa)
{
	for (unsigned int i = 0; i < NR_CURSORS; i++)
		if (cursors[i].mem == mem && cursors[i].pa == pa)
			return &cursors[i];
	return NULL;
}

/* Every cursor of @mem forgotten (its end, or it is not live). */
static void cursors_drop(const struct vcm_mem *mem)
{
	for (unsigned int i = 0; i < NR_CURSORS; i++)
		if (cursors[i].mem == mem)
			cursors[i].mem = NULL;
}

vcm_pa_t vcm_rfc_get_next_phys_addr(struct vcm_mem *physmem, vcm_pa_t phys, uint64_t *len)
{
	uint64_t iter = 0, clen;
	struct cursor *c = NULL;
	vcm_pa_t pa;
	int ret;

	if (rfc_get_(__func__) == NULL)
		return 0;
	if (len == NULL) {
		rfc_fail_(-EINVAL, "len is NULL");
		return 0;
	}
	*len = 0;
	if (!ours(physmem, "physmem"))
		return 0;
	if (phys != 0U) {
		c = cursor_find(physmem, phys);
		if (c != NULL) {
			iter = c->iter;
		} else {
			do {
				ret = vcm_mem_next_chunk(physmem, &iter, &pa, &clen);
			} while (ret == 0 && pa != phys);
			if (ret == -ENOENT) {
				rfc_fail_(-EINVAL, "phys %#llx is not a chunk of physmem %p",
					  (unsigned long long)phys, (void *)physmem);
				return 0;
			}
			if (ret < 0)
				goto bad;
		}
	}
	ret = vcm_mem_next_chunk(physmem, &iter, &pa, &clen);
	if (ret == -ENOENT) {
		if (c != NULL)
			c->mem = NULL;
		rfc_ok_();
		return 0;
	}
	if (ret < 0)
		goto bad;
	/* the loop's own cursor moves on; a new loop takes the oldest slot */
	if (c == NULL) {
		c = &cursors[cursor_next];
		cursor_next = (cursor_next + 1U) % NR_CURSORS;
	}
	*c = (struct cursor){ physmem, pa, iter };
	*len = clen;
	rfc_ok_();
	return pa;
bad:
	cursors_drop(physmem);
	rfc_fail_(ret, "physmem %p is not a live allocation", (void *)physmem);
	return 0;
}

/* ---- associations -------------------------------------------------------- */

struct vcm_avcm *vcm_rfc_assoc(struct vcm *vcm, const char *dev_id, uint32_t attr)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct vcm_avcm *a = NULL;
	struct rfc_dev *d;

	if (s == NULL)
		return NULL;
	if (!ours(vcm, "vcm"))
		return NULL;
	d = dev_find(s, dev_id);
	if (d == NULL)
		return NULL;
	return leave(vcm_assoc(vcm, d->dev, attr, &a)) == 0 ? a : NULL;
}

int vcm_rfc_deassoc(struct vcm_avcm *avcm)
{
	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours(avcm, "avcm"))
		return -EINVAL;
	return leave(vcm_deassoc(avcm));
}

int vcm_rfc_set_assoc_attr(struct vcm_avcm *avcm, uint32_t attr)
{
	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours(avcm, "avcm"))
		return -EINVAL;
	return leave(vcm_set_assoc_attr(avcm, attr));
}

uint32_t vcm_rfc_get_assoc_attr(struct vcm_avcm *avcm)
{
	unsigned int attr = 0;

	if (rfc_get_(__func__) == NULL)
		return 0;
	if (!ours(avcm, "avcm"))
		return 0;
	return leave(vcm_get_assoc_attr(avcm, &attr)) == 0 ? attr : 0;
}

int vcm_rfc_activate(struct vcm_avcm *avcm)
{
	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours(avcm, "avcm"))
		return -EINVAL;
	return leave(vcm_activate(avcm));
}

int vcm_rfc_deactivate(struct vcm_avcm *avcm)
{
	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours(avcm, "avcm"))
		return -EINVAL;
	return leave(vcm_deactivate(avcm));
}

int vcm_rfc_is_active(struct vcm_avcm *avcm)
{
	int ret;

	if (rfc_get_(__func__) == NULL)
		return -ENODEV;
	if (!ours(avcm, "avcm"))
		return -EINVAL;
	ret = vcm_is_active(avcm);
	(void)leave(ret);
	return ret; /* 0 or 1 on success */
}

/* ---- queries and low-level control --------------------------------------- */

vcm_da_t vcm_rfc_get_dev_addr(struct vcm_res *res)
{
	if (rfc_get_(__func__) == NULL || !res_live(res, "res"))
		return 0;
	rfc_ok_();
	return vcm_get_dev_addr(res);
}

struct vcm_res *vcm_rfc_get_res(vcm_da_t dev_addr, struct vcm *vcm)
{
	struct vcm_res *r;

	if (rfc_get_(__func__) == NULL || !vcm_live(vcm, "vcm"))
		return NULL;
	r = vcm_get_res(vcm, dev_addr);

	if (r == NULL)
		rfc_fail_(-ENOENT, "no reservation of vcm %p holds dev_addr %#llx",
			  (void *)vcm, (unsigned long long)dev_addr);
	else
		rfc_ok_();
	return r;
}

vcm_da_t vcm_rfc_translate(vcm_da_t src_dev_addr, struct vcm *src_vcm, struct vcm *dst_vcm)
{
	vcm_da_t da = 0;

	if (rfc_get_(__func__) == NULL)
		return 0;
	if (!ours2(src_vcm, "src_vcm", dst_vcm, "dst_vcm"))
		return 0;
	return leave(vcm_translate(src_vcm, src_dev_addr, dst_vcm, &da)) == 0 ? da : 0;
}

uint64_t vcm_rfc_get_phys_num_res(vcm_pa_t phys)
{
	struct rfc_sys *s = enter_ok(__func__);

	return s != NULL ? vcm_get_phys_num_res(s->sys, phys) : 0;
}

struct vcm_res *vcm_rfc_get_next_phys_res(vcm_pa_t phys, struct vcm_res *res, uint64_t *len)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct vcm_res *r;
	vcm_da_t da;

	if (s == NULL)
		return NULL;
	if (len == NULL) {
		rfc_fail_(-EINVAL, "len is NULL");
		return NULL;
	}
	*len = 0;
	if (res != NULL && !res_live(res, "res"))
		return NULL;
	r = vcm_get_next_phys_res(s->sys, phys, res, &da);
	if (r == NULL && rfc_sys_refused_() != 0) {
		/* res is live but does not map phys: an error, not the end */
		rfc_sys_err_(rfc_sys_refused_());
		return NULL;
	}
	*len = r != NULL ? vcm_get_res_len(r) : 0U;
	rfc_ok_();
	return r;
}

vcm_pa_t vcm_rfc_get_pgtbl_pa(struct vcm *vcm)
{
	struct rfc_sys *s = rfc_get_(__func__);
	vcm_pa_t pa;

	if (s == NULL || !vcm_live(vcm, "vcm"))
		return 0;
	for (unsigned int i = 0; i < RFC_NR_DEVS; i++) {
		if (!s->devs[i].iommu)
			continue;
		if (vcm_get_pgtbl_pa(vcm, s->devs[i].dev, &pa) == 0) {
			rfc_ok_();
			return pa;
		}
	}
	rfc_fail_(-ENOENT, "vcm %p has no IOMMU device associated, so no table",
		  (void *)vcm);
	return 0;
}

static int cont_memtype(unsigned int memtype, const char *fn, vcm_pa_t *pa, uint64_t *len)
{
	struct rfc_sys *s = rfc_get_(fn);

	*pa = 0;
	*len = 0;
	if (s == NULL)
		return -ENODEV;
	return leave(vcm_get_cont_memtype(s->sys, memtype, pa, len));
}

vcm_pa_t vcm_rfc_get_cont_memtype_pa(unsigned int memtype)
{
	vcm_pa_t pa;
	uint64_t len;

	(void)cont_memtype(memtype, __func__, &pa, &len);
	return pa;
}

uint64_t vcm_rfc_get_cont_memtype_len(unsigned int memtype)
{
	vcm_pa_t pa;
	uint64_t len;

	(void)cont_memtype(memtype, __func__, &pa, &len);
	return len;
}

/* 0 found; -ENOENT some base is active but maps nothing there; -ENODEV none active. */
static int lookup_any_base(const struct rfc_dev *d, vcm_da_t da, vcm_pa_t *pa)
{
	int ret = -ENODEV;

	for (unsigned int base = 0; base < d->nr_bases; base++) {
		int r = vcm_dev_addr_to_phys_addr(d->dev, base, da, pa);

		if (r == 0)
			return 0;
		if (r != -ENODEV)
			ret = -ENOENT;
	}
	return ret;
}

vcm_pa_t vcm_rfc_dev_addr_to_phys_addr(const char *dev_id, vcm_da_t dev_addr)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct vcm_fault fault = { .da = dev_addr, .access = VCM_ACCESS_READ,
				   .kind = VCM_FAULT_TRANSLATION, .level = VCM_FAULT_LEVEL_NONE,
				   .desc_pa = VCM_FAULT_DESC_NONE };
	struct rfc_dev *d;
	vcm_pa_t pa = 0;
	int ret;

	if (s == NULL)
		return 0;
	d = dev_find(s, dev_id);
	if (d == NULL)
		return 0;
	ret = lookup_any_base(d, dev_addr, &pa);
	/* An unmapped address is a translation fault: the handler may repair it once. */
	if (ret < 0 && vcm_dev_fault(d->dev, &fault) == VCM_FAULT_RETRY)
		ret = lookup_any_base(d, dev_addr, &pa);
	/* the handler may have made calls of its own: this one reports again */
	rfc_enter_(__func__);
	if (ret < 0) {
		/* no VCM active on the device (native -ENODEV) maps nothing either */
		rfc_fail_(-ENOENT, "%s: dev_addr %#llx is not mapped (%s)", dev_id,
			  (unsigned long long)dev_addr,
			  ret == -ENODEV ? "no VCM is active" : "no table maps it");
		return 0;
	}
	rfc_ok_();
	return pa;
}

int vcm_rfc_hook(const char *dev_id, vcm_rfc_handler handler, void *data)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct rfc_dev *d;
	int ret;

	if (s == NULL)
		return -ENODEV;
	d = dev_find(s, dev_id);
	if (d == NULL)
		return -ENODEV;
	/* held across vcm_hook() too: two callers leave the pair and the hook of one */
	pthread_mutex_lock(&rfc_hook_lock_);
	d->handler = handler;
	d->handler_data = data;
	ret = vcm_hook(d->dev, handler != NULL ? rfc_fault_trampoline_ : NULL, d);
	pthread_mutex_unlock(&rfc_hook_lock_);
	return leave(ret);
}

uint32_t vcm_rfc_hw_ver(const char *dev_id)
{
	struct rfc_sys *s = rfc_get_(__func__);
	struct rfc_dev *d;
	uint32_t ver = 0;

	if (s == NULL)
		return 0;
	d = dev_find(s, dev_id);
	if (d == NULL)
		return 0;
	return leave(vcm_hw_ver(d->dev, &ver)) == 0 ? ver : 0;
}
