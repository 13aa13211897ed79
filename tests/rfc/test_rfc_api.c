// SPDX-License-Identifier: MIT
/*
 * rfc.h, call by call: the RFC's error forms (NULL / 0 / negative errno with
 * vcm_rfc_errno() and a message), the attribute words, the default SoC, the
 * chunk cursor, faults through a hook that repairs the mapping, and the
 * default system's life cycle. Uses the 2010 names, as a user would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include <pthread.h>
#include "rfc_fixture.h"

static void test_no_system(void **state)
{
	(void)state;
	assert_null(vcm_create(0x1000, SZ_16M));
	assert_int_equal(vcm_rfc_errno(), -ENODEV);
	assert_non_null(strstr(vcm_rfc_last_error(), "vcm_create"));
	assert_int_equal(vcm_sys_destroy(), -ENODEV);
	/* A handle kept past the system is refused without being touched. */
	assert_int_equal(vcm_unreserve((struct vcm_res *)(uintptr_t)0x10), -ENODEV);
	assert_int_equal(vcm_get_dev_addr((struct vcm_res *)(uintptr_t)0x10), 0);
	assert_int_equal(vcm_rfc_errno(), -ENODEV);
	/* the helper reports like the calls: -ENODEV here, -EINVAL outside the memory */
	assert_int_equal(vcm_sys_init(), 0);
	assert_int_equal(vcm_sys_init(), -EBUSY);
	assert_null(vcm_rfc_phys_to_cpu(0x10));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	assert_string_equal(vcm_rfc_last_error(),
			    "vcm_rfc_phys_to_cpu: pa 0x10 is outside the system's memory");
	assert_int_equal(vcm_sys_destroy(), 0);
	assert_null(vcm_rfc_phys_to_cpu(0x81000000));
	assert_int_equal(vcm_rfc_errno(), -ENODEV);
	assert_non_null(strstr(vcm_rfc_last_error(), "vcm_rfc_phys_to_cpu: no system"));
}

static void test_attrs(void **state)
{
	struct vcm *v = vcm_create(0x100000, 64 * SZ_1M);
	struct vcm_res *r;
	uint32_t a;

	(void)state;
	assert_non_null(v);
	assert_int_equal(vcm_rfc_errno(), 0);
	assert_null(vcm_reserve(v, SZ_4K, 1U << 31));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	assert_non_null(strstr(vcm_rfc_last_error(), "attr bits"));
	assert_null(vcm_reserve(v, SZ_4K, VCM_RFC_ALIGN(5)));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	/* A physical attribute is not a reservation attribute. */
	assert_null(vcm_reserve(v, SZ_4K, VCM_64KB));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);

	r = vcm_reserve(v, SZ_1M, VCM_READ | VCM_WT | VCM_ALIGN_1M);
	assert_non_null(r);
	assert_int_equal(vcm_get_dev_addr(r) % SZ_1M, 0);
	a = vcm_get_res_attr(r);
	assert_int_equal(a & (VCM_READ | VCM_WRITE | VCM_EXECUTE), VCM_READ);
	assert_int_equal(a & VCM_RFC_CACHE_MASK, VCM_WT);
	assert_int_equal(a & VCM_RFC_ALIGN_MASK, VCM_ALIGN_1M);
	assert_true(a & VCM_SUPERVISOR);
	assert_int_equal(vcm_set_res_attr(r, VCM_READ | VCM_WRITE | VCM_NOTCACHED), 0);
	a = vcm_get_res_attr(r);
	assert_int_equal(a & (VCM_READ | VCM_WRITE), VCM_READ | VCM_WRITE);
	assert_int_equal(a & VCM_RFC_CACHE_MASK, VCM_NOTCACHED);
	/* The alignment is where it lies: it cannot be raised; what it has is kept. */
	assert_int_equal(vcm_set_res_attr(r, VCM_READ | VCM_ALIGN_16M), -EINVAL);
	assert_int_equal(vcm_set_res_attr(r, VCM_READ | VCM_ALIGN_1M), 0);
	assert_int_equal(vcm_set_res_attr(r, VCM_READ | VCM_ALIGN_4K), 0);
	assert_int_equal(vcm_get_res_attr(r) & VCM_RFC_ALIGN_MASK, VCM_ALIGN_1M);
	assert_int_equal(vcm_unreserve(r), 0);

	/* At a place: the attr it was made with is taken back whatever the place has. */
	r = vcm_reserve_at(VCM_START, v, SZ_64K, VCM_READ | VCM_WRITE | VCM_ALIGN_4K);
	assert_non_null(r);
	a = vcm_get_res_attr(r);
	assert_true((a & VCM_RFC_ALIGN_MASK) >= VCM_ALIGN_4K);
	assert_int_equal(vcm_get_dev_addr(r) % (UINT64_C(1) << ((a & VCM_RFC_ALIGN_MASK) >>
								 VCM_RFC_ALIGN_SHIFT)), 0);
	assert_int_equal(vcm_set_res_attr(r, VCM_READ | VCM_WRITE | VCM_ALIGN_4K), 0);
	assert_int_equal(vcm_set_res_attr(r, a), 0);
	assert_int_equal(vcm_unreserve(r), 0);

	/* attr 0: read-write, 4 KiB. */
	r = vcm_reserve(v, SZ_4K, 0);
	assert_non_null(r);
	a = vcm_get_res_attr(r);
	assert_int_equal(a & (VCM_READ | VCM_WRITE), VCM_READ | VCM_WRITE);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free(v), 0);
}

static void test_reserve_at(void **state)
{
	struct vcm *v = vcm_create(0x1000, 16 * SZ_1M);
	struct vcm_res *lo, *hi;

	(void)state;
	lo = vcm_reserve_at(VCM_START, v, SZ_64K, VCM_ALIGN_64K);
	assert_non_null(lo);
	assert_int_equal(vcm_get_dev_addr(lo), SZ_64K); /* 0x1000 rounded up */
	hi = vcm_reserve_at(VCM_END, v, 2 * SZ_4K, 0);
	assert_non_null(hi);
	assert_int_equal(vcm_get_dev_addr(hi) + 2 * SZ_4K, 0x1000 + 16 * SZ_1M);
	assert_null(vcm_reserve_at(VCM_START, v, SZ_64K, VCM_ALIGN_64K));
	assert_int_not_equal(vcm_rfc_errno(), 0);
	assert_null(vcm_reserve_at(7, v, SZ_4K, 0));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	assert_int_equal(vcm_get_num_res(v), 2);
	assert_ptr_equal(vcm_get_next_res(v, NULL), lo);
	assert_ptr_equal(vcm_get_next_res(v, lo), hi);
	assert_ptr_equal(vcm_get_res(vcm_get_dev_addr(hi) + 5, v), hi);
	assert_ptr_equal(vcm_get_vcm_from_res(hi), v);
	assert_int_equal(vcm_free(v), -EBUSY);
	assert_int_equal(vcm_unreserve(lo), 0);
	assert_int_equal(vcm_unreserve(hi), 0);
	assert_int_equal(vcm_free(v), 0);
}

static void test_phys(void **state)
{
	struct vcm_mem *m;
	vcm_pa_t pa, second = 0;
	uint64_t len, total = 0;
	unsigned int n = 0;

	(void)state;
	assert_int_equal(vcm_get_cont_memtype_pa(VCM_MEMTYPE_0), 0x81000000);
	assert_int_equal(vcm_get_cont_memtype_len(VCM_MEMTYPE_0), 240 * SZ_1M);
	assert_null(vcm_phys_alloc(VCM_MEMTYPE_1, SZ_4K, 0));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	assert_null(vcm_phys_alloc(VCM_MEMTYPE_0, SZ_64K, VCM_PHYS_CONT | VCM_4KB));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	/* Contiguous and aligned beyond 4K: vcm_alloc_cont() underneath. */
	m = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_64K + SZ_4K, VCM_PHYS_CONT | VCM_ALIGN_1M);
	assert_non_null(m);
	pa = vcm_get_next_phys_addr(m, 0, &len);
	assert_int_equal(pa & (SZ_1M - 1), 0);
	assert_int_equal(len, SZ_64K + SZ_4K);
	assert_int_equal(vcm_get_next_phys_addr(m, pa, &len), 0);
	assert_int_equal(vcm_phys_free(m), 0);
	assert_null(vcm_phys_alloc(VCM_MEMTYPE_0, SZ_64K, VCM_4KB | VCM_ALIGN_64K));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);

	/* Aligned to 64K: only 64K and 1M chunks. */
	m = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_1M + 3 * SZ_64K, VCM_ALIGN_64K | VCM_COHERENT);
	assert_non_null(m);
	assert_int_equal(vcm_get_memtype_of_physalloc(m), 0);
	for (pa = vcm_get_next_phys_addr(m, 0, &len); pa;
	     pa = vcm_get_next_phys_addr(m, pa, &len)) {
		assert_int_equal(pa % SZ_64K, 0);
		assert_true(len == SZ_64K || len == SZ_1M);
		if (n++ == 1)
			second = pa;
		total += len;
	}
	assert_int_equal(vcm_rfc_errno(), 0);
	assert_int_equal(n, 4);
	assert_int_equal(total, SZ_1M + 3 * SZ_64K);
	/* Any chunk address works as a cursor, not only the last one returned. */
	pa = vcm_get_next_phys_addr(m, 0, &len);
	assert_int_equal(vcm_get_next_phys_addr(m, pa, &len), second);
	assert_int_equal(vcm_get_next_phys_addr(m, 0x1000, &len), 0);
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	/* Loops interleaved over two allocations (each keeps its own cursor):
	 * both see their own chunks, in order, to the end. */
	{
		struct vcm_mem *m2 = vcm_phys_alloc(VCM_MEMTYPE_0, 5 * SZ_4K, VCM_4KB);
		vcm_pa_t p1, p2;
		uint64_t l1, l2, t1 = 0, t2 = 0;
		unsigned int n1 = 0, n2 = 0;

		assert_non_null(m2);
		p1 = vcm_get_next_phys_addr(m, 0, &l1);
		p2 = vcm_get_next_phys_addr(m2, 0, &l2);
		while (p1 != 0U || p2 != 0U) {
			if (p1 != 0U) {
				n1++;
				t1 += l1;
				p1 = vcm_get_next_phys_addr(m, p1, &l1);
				assert_int_equal(vcm_rfc_errno(), 0);
			}
			if (p2 != 0U) {
				assert_int_equal(l2, SZ_4K);
				n2++;
				t2 += l2;
				p2 = vcm_get_next_phys_addr(m2, p2, &l2);
				assert_int_equal(vcm_rfc_errno(), 0);
			}
		}
		assert_int_equal(n1, 4);
		assert_int_equal(t1, SZ_1M + 3 * SZ_64K);
		assert_int_equal(n2, 5);
		assert_int_equal(t2, 5 * SZ_4K);
		assert_int_equal(vcm_phys_free(m2), 0);
	}
	assert_int_equal(vcm_phys_free(m), 0);
	assert_int_equal(vcm_phys_free(m), -EINVAL);

	m = vcm_map_phys_addr(0x82000000, SZ_64K);
	assert_non_null(m);
	assert_true(vcm_get_memtype_of_physalloc(m) < 0);
	assert_int_equal(vcm_get_next_phys_addr(m, 0, &len), 0x82000000);
	assert_int_equal(len, SZ_64K);
	assert_int_equal(vcm_phys_free(m), 0);
}

static void test_devices(void **state)
{
	struct vcm *v = vcm_create(0x1000, 16 * SZ_1M);
	struct vcm_avcm *a;

	(void)state;
	assert_int_equal(vcm_hw_ver("vcodec"), 0x10000);
	assert_int_equal(vcm_hw_ver("mdp"), 0x20000);
	assert_int_equal(vcm_hw_ver("nope"), 0);
	assert_int_equal(vcm_rfc_errno(), -ENODEV);
	assert_null(vcm_assoc(v, "nope", 0));
	assert_int_equal(vcm_rfc_errno(), -ENODEV);
	assert_int_equal(vcm_get_pgtbl_pa(v), 0);
	assert_int_equal(vcm_rfc_errno(), -ENOENT);

	a = vcm_assoc(v, "mdp", 0);
	assert_non_null(a);
	assert_int_equal(vcm_is_active(a), 0);
	assert_int_equal(vcm_deactivate(a), -ENOENT);
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_is_active(a), 1);
	assert_int_equal(vcm_activate(a), -EBUSY);
	assert_true(vcm_get_pgtbl_pa(v) >= 0x80000000 && vcm_get_pgtbl_pa(v) < 0x81000000);
	assert_int_equal(vcm_set_assoc_attr(a, VCM_USE_LOW_BASE), -EBUSY);
	assert_int_equal(vcm_deassoc(a), -EBUSY);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_set_assoc_attr(a, VCM_USE_LOW_BASE), 0);
	assert_int_equal(vcm_get_assoc_attr(a), VCM_USE_LOW_BASE);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(v), 0);
}

static void test_back(void **state)
{
	struct vcm *v = vcm_create(0x1000, 64 * SZ_1M), *c;
	struct vcm_avcm *a = vcm_assoc(v, "vcodec", 0);
	struct vcm_res *r = vcm_reserve(v, SZ_1M, VCM_ALIGN_1M), *r2;
	struct vcm_mem *m = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_1M, 0);
	struct vcm_mem *small = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_64K, 0);
	vcm_pa_t pa;
	uint64_t len;

	(void)state;
	assert_non_null(small);
	assert_int_equal(vcm_back(r, m), -EAGAIN); /* nothing active would see it */
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_back(r, small), -EINVAL);
	assert_int_equal(vcm_back(r, m), 0);
	assert_int_equal(vcm_back(r, m), -EBUSY);
	assert_ptr_equal(vcm_get_physmem_from_res(r), m);
	pa = vcm_get_next_phys_addr(m, 0, &len);
	assert_int_equal(vcm_dev_addr_to_phys_addr("vcodec", vcm_get_dev_addr(r) + 0x1234),
			 pa + 0x1234);
	assert_int_equal(vcm_get_phys_num_res(pa + 0x1234), 1);
	assert_ptr_equal(vcm_get_next_phys_res(pa, NULL, &len), r);
	assert_int_equal(len, SZ_1M);
	/* after the last: NULL, errno 0; after a live res that does not map pa: an error */
	assert_null(vcm_get_next_phys_res(pa, r, &len));
	assert_int_equal(vcm_rfc_errno(), 0);
	assert_null(vcm_get_next_phys_res(pa + SZ_16M, r, &len));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	assert_non_null(strstr(vcm_rfc_last_error(),
			       "vcm_get_next_phys_res: res is not a live reservation that maps phys"));
	assert_null(vcm_get_next_phys_res(pa, r2 = vcm_reserve(v, SZ_64K, 0), &len));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	assert_int_equal(vcm_unreserve(r2), 0);
	assert_int_equal(vcm_phys_free(m), -EBUSY);
	assert_int_equal(vcm_unreserve(r), -EBUSY);

	/* A copy of the VCM: the same reservation, the same memory. */
	c = vcm_clone(v);
	assert_non_null(c);
	r2 = vcm_get_next_res(c, NULL);
	assert_non_null(r2);
	assert_int_equal(vcm_get_dev_addr(r2), vcm_get_dev_addr(r));
	assert_int_equal(vcm_get_phys_num_res(pa), 2);

	/* Bytes between reservations: both map m, so this copies m[0..16) to m[16..32). */
	memset(vcm_rfc_phys_to_cpu(pa), 0xab, 16);
	assert_int_equal(vcm_res_copy(r2, 16, r, 0, 16), 16);
	assert_int_equal(*(uint8_t *)vcm_rfc_phys_to_cpu(pa + 31), 0xab);
	assert_int_equal(vcm_unback(r2), 0);
	assert_int_equal(vcm_unreserve(r2), 0);
	assert_int_equal(vcm_free(c), 0);

	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unback(r), -ENOENT);
	assert_int_equal(vcm_dev_addr_to_phys_addr("vcodec", vcm_get_dev_addr(r)), 0);
	assert_int_equal(vcm_rfc_errno(), -ENOENT);
	/* an attribute the device's table cannot express: refused, naming it, nothing mapped */
	r2 = vcm_reserve(v, SZ_1M, VCM_ALIGN_1M | VCM_SECURE);
	assert_non_null(r2);
	assert_int_equal(vcm_back(r2, m), -EOPNOTSUPP);
	assert_non_null(strstr(vcm_rfc_last_error(), "vcm_back: dev 'vcodec' (pt): "));
	assert_int_equal(vcm_get_phys_num_res(pa), 0);
	assert_null(vcm_get_physmem_from_res(r2));
	assert_int_equal(vcm_unreserve(r2), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_phys_free(m), 0);
	assert_int_equal(vcm_phys_free(small), 0);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(v), 0);
}

/* A handler that maps the faulting reservation on demand, then asks for a retry. */
struct lazy {
	struct vcm_res *res;
	struct vcm_mem *mem;
	unsigned int calls;
	char dev[16];
};

static int lazy_back(const char *dev_id, void *data, const struct vcm_fault *fault)
{
	struct lazy *l = data;

	l->calls++;
	strncpy(l->dev, dev_id, sizeof(l->dev) - 1);
	if (fault->da < vcm_get_dev_addr(l->res) ||
	    fault->da - vcm_get_dev_addr(l->res) >= vcm_get_res_len(l->res))
		return 0;
	return vcm_back(l->res, l->mem) == 0;
}

static void test_fault_hook(void **state)
{
	struct vcm *v = vcm_create(0x1000, 16 * SZ_1M);
	struct vcm_avcm *a = vcm_assoc(v, "mdp", 0);
	struct lazy l = { vcm_reserve(v, SZ_64K, VCM_ALIGN_64K),
			  vcm_phys_alloc(VCM_MEMTYPE_0, SZ_64K, VCM_64KB), 0, "" };
	vcm_pa_t pa;
	uint64_t len;

	(void)state;
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_hook("mdp", lazy_back, &l), 0);
	pa = vcm_dev_addr_to_phys_addr("mdp", vcm_get_dev_addr(l.res) + 8);
	assert_int_equal(pa, vcm_get_next_phys_addr(l.mem, 0, &len) + 8);
	assert_int_equal(l.calls, 1);
	assert_string_equal(l.dev, "mdp");
	/* Outside the reservation: the handler ends the transaction. */
	assert_int_equal(vcm_dev_addr_to_phys_addr("mdp", 0x800000), 0);
	assert_int_equal(vcm_rfc_errno(), -ENOENT);
	assert_int_equal(l.calls, 2);
	assert_int_equal(vcm_hook("mdp", NULL, NULL), 0);
	assert_int_equal(vcm_dev_addr_to_phys_addr("mdp", 0x800000), 0);
	assert_int_equal(l.calls, 2);

	assert_int_equal(vcm_unback(l.res), 0);
	assert_int_equal(vcm_unreserve(l.res), 0);
	assert_int_equal(vcm_phys_free(l.mem), 0);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(v), 0);
}

static void test_one_to_one_and_cpu(void **state)
{
	struct vcm_mem *m = vcm_phys_alloc(VCM_MEMTYPE_0, 4 * SZ_4K, VCM_PHYS_CONT);
	uint64_t len;
	vcm_pa_t pa = vcm_get_next_phys_addr(m, 0, &len);
	/* A one-to-one VCM exactly over the buffer: VCM_START is its address. */
	struct vcm *dma = vcm_create_one_to_one(pa, len);
	struct vcm_avcm *a = vcm_assoc(dma, "dma", 0);
	struct vcm_res *r = vcm_reserve_at(VCM_START, dma, len, 0);
	struct vcm *cpu = vcm_create_from_prebuilt(VCM_PREBUILT_USER);
	struct vcm_res *cr = vcm_reserve(cpu, len, 0);
	uint8_t *p;

	(void)state;
	assert_non_null(r);
	assert_int_equal(vcm_get_dev_addr(r), pa);
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_back(r, m), 0);
	assert_int_equal(vcm_dev_addr_to_phys_addr("dma", pa + 0x10), pa + 0x10);
	assert_null(vcm_create_from_prebuilt(3));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	assert_non_null(cr);
	assert_int_equal(vcm_back(cr, m), 0);
	p = (uint8_t *)(uintptr_t)vcm_get_dev_addr(cr);
	p[5] = 0x5c;
	assert_int_equal(*(uint8_t *)vcm_rfc_phys_to_cpu(pa + 5), 0x5c);
	assert_int_equal(vcm_translate(pa + 5, dma, cpu), vcm_get_dev_addr(cr) + 5);
	assert_int_equal(vcm_sys_destroy(), -EBUSY); /* live objects: nothing changes */

	assert_int_equal(vcm_unback(cr), 0);
	assert_int_equal(vcm_unreserve(cr), 0);
	assert_int_equal(vcm_free(cpu), 0);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(dma), 0);
	assert_int_equal(vcm_phys_free(m), 0);
}

static void test_bounds(void **state)
{
	struct vcm *v = vcm_create(0x100000, 16 * SZ_1M);
	struct vcm_bound *b = vcm_create_bound(v, 2 * SZ_1M);
	struct vcm_res *r;

	(void)state;
	assert_non_null(b);
	assert_int_equal(vcm_get_bound_len(b), 2 * SZ_1M);
	r = vcm_reserve_from_bound(b, SZ_64K, VCM_ALIGN_64K);
	assert_non_null(r);
	assert_true(vcm_get_dev_addr(r) >= vcm_get_bound_start_addr(b) &&
		    vcm_get_dev_addr(r) < vcm_get_bound_start_addr(b) + 2 * SZ_1M);
	assert_int_equal(vcm_free_bound(b), -EBUSY);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_bound(b), 0);
	assert_int_equal(vcm_get_start_addr(v), 0x100000);
	assert_int_equal(vcm_get_len(v), 16 * SZ_1M);
	assert_int_equal(vcm_get_min_page_size(), SZ_4K);
	assert_int_equal(vcm_free(v), 0);
}

/* Threads share one VCM: each backs, looks up and frees its own buffers. */
struct worker {
	struct vcm *vcm;
	unsigned int id, failures;
};

static void *work(void *arg)
{
	struct worker *wk = arg;

	for (unsigned int i = 0; i < 200; i++) {
		uint64_t len = (1 + (i + wk->id) % 8) * SZ_4K, clen;
		struct vcm_res *r = vcm_reserve(wk->vcm, len, 0);
		struct vcm_mem *m = vcm_phys_alloc(VCM_MEMTYPE_0, len, VCM_4KB);
		vcm_pa_t pa;

		if (r == NULL || m == NULL || vcm_back(r, m) != 0) {
			wk->failures++;
			break;
		}
		pa = vcm_get_next_phys_addr(m, 0, &clen);
		if (vcm_dev_addr_to_phys_addr("vcodec", vcm_get_dev_addr(r)) != pa ||
		    vcm_rfc_errno() != 0)
			wk->failures++;
		/* This thread's error, whatever the others do meanwhile. */
		if (vcm_unreserve(r) != -EBUSY || vcm_rfc_errno() != -EBUSY)
			wk->failures++;
		if (vcm_unback(r) != 0 || vcm_unreserve(r) != 0 || vcm_phys_free(m) != 0)
			wk->failures++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct vcm *v = vcm_create(0x100000, 256 * SZ_1M);
	struct vcm_avcm *a = vcm_assoc(v, "vcodec", 0);
	struct worker wk[4];
	pthread_t t[4];

	(void)state;
	assert_int_equal(vcm_activate(a), 0);
	for (unsigned int i = 0; i < 4; i++) {
		wk[i] = (struct worker){ v, i, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, work, &wk[i]), 0);
	}
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(wk[i].failures, 0);
	}
	assert_int_equal(vcm_get_num_res(v), 0);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_system),
		cmocka_unit_test_setup_teardown(test_attrs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserve_at, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_to_one_and_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
