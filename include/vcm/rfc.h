/* SPDX-License-Identifier: MIT */
/*
 * The 2010 VCMM calls, by their 2010 names, over one default system.
 *
 * The RFC's calls take no system argument: there was one machine. This header
 * gives them that machine: vcm_sys_init() builds a small simulated SoC (below)
 * and every call works on it. It is the one piece of global state in vcmm;
 * everything else takes its context (include/vcm/vcm.h).
 *
 * Names. Many 2010 names are also names of the native graph API with other
 * signatures (vcm_create, vcm_reserve, vcm_back, vcm_assoc, ...; vcm_phys_alloc
 * and vcm_phys_free are in include/vcm/phys.h). The library therefore exports
 * this layer under the prefix vcm_rfc_ (vcm_rfc_create, vcm_rfc_back, ...) and
 * this header maps each 2010 name onto it with an object-like macro, so code
 * written against the RFC compiles unchanged and can still take a function's
 * address. Consequences:
 *  - a translation unit uses either the 2010 names (this header) or the
 *    native API (vcm.h, phys.h), never both: including both is a compile-time
 *    error whichever comes first;
 *  - defining VCM_RFC_NO_2010_NAMES before including this header gives only
 *    the vcm_rfc_* calls and VCM_RFC_* constants, which mix with vcm.h freely.
 *
 * Handles are the native ones: struct vcm, struct vcm_res (the RFC's struct
 * res), struct vcm_avcm (struct avcm), struct vcm_bound (struct bound) and
 * struct vcm_mem (struct physmem; it keeps naming the memory when the graph
 * migrates it). A freed or foreign handle is an error (-EINVAL), never
 * undefined behaviour, also when it was kept across vcm_sys_destroy() and
 * vcm_sys_init(): every default system takes its handle slots from one store
 * kept for the process (struct vcm_slots in vcm.h), so a handle of an earlier
 * system names a slot at a generation it has left behind.
 *
 * Errors, as the RFC had them: calls returning int return 0 (or a count) or a
 * negative errno; calls returning a pointer return NULL; calls returning an
 * address or a length return 0. In every case vcm_rfc_errno() then tells the
 * negative errno and vcm_rfc_last_error() the message naming the argument.
 * Both are per thread; a successful call sets the errno to 0. With no system
 * (before vcm_sys_init(), after vcm_sys_destroy()) every call fails with
 * -ENODEV and touches no handle. Every call that takes a handle fails with
 * -EINVAL for a NULL, freed or foreign one; that includes the getters, whose
 * 0 or NULL is then an error, not a value (a getter's NULL with errno 0 means
 * only "after the last"). The errnos are the 2010 design's: where the native
 * graph says -ENOSPC (no room) this layer says -ENOMEM, and where it says
 * -ERANGE or -EOVERFLOW (a length past the space, a wrapping range) -EINVAL.
 *
 * Devices are named by strings (the RFC's dev_id; the MSM driver looked its
 * contexts up by name too).
 *
 * The default system (vcm_sys_init()):
 *  - physical memory: 256 MiB of hosted (memfd) memory at pa 0x80000000; the
 *    first 16 MiB hold page tables, the other 240 MiB (0x81000000 ..
 *    0x8fffffff) are VCM_MEMTYPE_0, in 1 MiB, 64 KiB and 4 KiB chunks.
 *    VCM_MEMTYPE_1..3 do not exist on this SoC (-EINVAL).
 *  - devices:
 *      "dma"     a DMA engine with no MMU (one-to-one: device address ==
 *                physical address); program it with vcm_get_next_phys_addr()
 *                or associate it with a VCM from vcm_create_one_to_one();
 *      "vcodec"  a video decoder behind an IOMMU walking ARMv7 short
 *                descriptors (the MSM System MMU format; 32-bit addresses);
 *      "mdp"     a display engine behind an IOMMU walking ARMv8 long
 *                descriptors, 4 KiB granule, stage 1, 40-bit addresses;
 *      "cpu"     the CPU: prebuilt VCMs (VCM_PREBUILT_KERNEL/USER) map the
 *                memfd into this process, so vcm_get_dev_addr() of a CPU
 *                reservation is a pointer to the bytes the devices see.
 *    The IOMMUs are simulated models (include/vcm/sim.h, built by
 *    include/vcm/soc.h): activation programs their context bank with the
 *    table registers, and vcm_hw_ver() reads the versions (vcodec 0x10000,
 *    mdp 0x20000, dma 0x1, cpu 0).
 *
 * Threads: every call except vcm_sys_init() and vcm_sys_destroy() may be made
 * from any thread (the system has a lock); those two must not run
 * concurrently with any other call. A fault handler runs without the lock and
 * may call back into this header.
 *
 * Words: docs/glossary.md; the 2010 objects: docs/rfc.md.
 */
#ifndef VCM_RFC_H
#define VCM_RFC_H

#include <vcm/types.h>
#include <vcm/dev.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vcm;
struct vcm_res;
struct vcm_avcm;
struct vcm_bound;
struct vcm_mem;

/* ---- attributes ---------------------------------------------------------- */

/*
 * Reservation attributes (vcm_reserve(), vcm_set_res_attr()): access bits,
 * a cache-policy field and an alignment field. With no access bit at all
 * (attr 0, as step 11 of the example passes) the reservation is readable and
 * writable. VCM_SUPERVISOR is accepted and changes nothing: privileged
 * accesses are always allowed; VCM_USER adds unprivileged ones.
 */
#define VCM_RFC_READ       (1U << 0)
#define VCM_RFC_WRITE      (1U << 1)
#define VCM_RFC_EXECUTE    (1U << 2)
#define VCM_RFC_USER       (1U << 3)
#define VCM_RFC_SUPERVISOR (1U << 4)
#define VCM_RFC_SECURE     (1U << 5)

/*
 * Cache policy: two 2-bit fields, inner (bits 8..9) and outer (bits 10..11),
 * each one of the policies below. 0 in both is write-back write-allocate.
 */
#define VCM_RFC_CACHE_SHIFT      8
#define VCM_RFC_CACHE_MASK       (0xfU << VCM_RFC_CACHE_SHIFT)
#define VCM_RFC_CP_WB_WA         0U
#define VCM_RFC_CP_NOTCACHED     1U
#define VCM_RFC_CP_WB_NWA        2U
#define VCM_RFC_CP_WT            3U
#define VCM_RFC_INNER(cp)        ((unsigned int)(cp) << VCM_RFC_CACHE_SHIFT)
#define VCM_RFC_OUTER(cp)        ((unsigned int)(cp) << (VCM_RFC_CACHE_SHIFT + 2))
#define VCM_RFC_NOTCACHED        (VCM_RFC_INNER(1U) | VCM_RFC_OUTER(1U))
#define VCM_RFC_WB_WA            (VCM_RFC_INNER(0U) | VCM_RFC_OUTER(0U))
#define VCM_RFC_WB_NWA           (VCM_RFC_INNER(2U) | VCM_RFC_OUTER(2U))
#define VCM_RFC_WT               (VCM_RFC_INNER(3U) | VCM_RFC_OUTER(3U))

/*
 * Alignment (bits 16..20): log2 of the alignment, 12 (4 KiB) to 30 (1 GiB);
 * 0 = 4 KiB. In reservation attributes it aligns the device address; in
 * physical attributes (vcm_phys_alloc()) every chunk.
 */
#define VCM_RFC_ALIGN_SHIFT      16
#define VCM_RFC_ALIGN_MASK       (0x1fU << VCM_RFC_ALIGN_SHIFT)
#define VCM_RFC_ALIGN(lg2)       ((unsigned int)(lg2) << VCM_RFC_ALIGN_SHIFT)

/* Physical attributes (vcm_phys_alloc()), plus the alignment field above. */
#define VCM_RFC_4KB        (1U << 24) /* 4 KiB chunks allowed */
#define VCM_RFC_64KB       (1U << 25) /* 64 KiB chunks allowed */
#define VCM_RFC_1MB        (1U << 26) /* 1 MiB chunks allowed */
#define VCM_RFC_ALL        (1U << 27) /* every size, largest first (also: none given) */
#define VCM_RFC_PHYS_CONT  (1U << 28) /* one physically contiguous chunk */
#define VCM_RFC_COHERENT   (1U << 29) /* hosted memory is coherent: accepted, no effect */

/* Association attributes: the same values as vcm.h's. */
#define VCM_RFC_USE_LOW_BASE   (1U << 0)
#define VCM_RFC_USE_HIGH_BASE  (1U << 1)
#define VCM_RFC_SPLIT_SHIFT    8 /* bits 8..15: top address bits that select HIGH */
#define VCM_RFC_SPLIT(bits)    ((unsigned int)(bits) << VCM_RFC_SPLIT_SHIFT)

/* Memory targets. */
#define VCM_RFC_MEMTYPE_0 0U
#define VCM_RFC_MEMTYPE_1 1U
#define VCM_RFC_MEMTYPE_2 2U
#define VCM_RFC_MEMTYPE_3 3U

/* Prebuilt VCMs (vcm_create_from_prebuilt()). */
#define VCM_RFC_PREBUILT_KERNEL 1U
#define VCM_RFC_PREBUILT_USER   2U

/* Logical locations for vcm_reserve_at(). */
#define VCM_RFC_START 0U /* at the first address of the VCM */
#define VCM_RFC_END   1U /* ending at the last address of the VCM */

/* A fault handler (vcm_hook()): return 1 to retry, 0 to end the transaction. */
typedef int (*vcm_rfc_handler)(const char *dev_id, void *data, const struct vcm_fault *fault);

/* ---- the system ---------------------------------------------------------- */

/**
 * vcm_rfc_sys_init() - build the default system described at the top.
 * Return: 0; -EBUSY already built; -ENOMEM the memfd memory or metadata could
 * not be had (nothing is left behind).
 */
VCM_API int vcm_rfc_sys_init(void);
/**
 * vcm_rfc_sys_destroy() - tear the default system down.
 * Return: 0; -ENODEV none built; -EBUSY (nothing changed) while VCMs or
 * physical allocations are live, made through this header or with vcm.h's
 * calls on its handles (the graph's own counts, vcm_sys_counts()), or
 * devices vcm.h's calls registered.
 */
VCM_API int vcm_rfc_sys_destroy(void);
/** vcm_rfc_errno() - this thread's last result: 0 or a negative errno. */
VCM_API int vcm_rfc_errno(void);
/** vcm_rfc_last_error() - message of this thread's last failure, "" if none. */
VCM_API const char *vcm_rfc_last_error(void);
/**
 * vcm_rfc_phys_to_cpu() - CPU pointer to physical address @pa of the default
 * system's memory (tables and buffers alike). Lets a test read what a device
 * would read at a translated address. NULL with -EINVAL outside the memory,
 * -ENODEV without a system (vcm_rfc_errno()).
 */
VCM_API void *vcm_rfc_phys_to_cpu(vcm_pa_t pa);

/* ---- VCMs ---------------------------------------------------------------- */

/**
 * vcm_rfc_create() - a device address space [@start_addr, @start_addr + @len).
 * @start_addr: 4 KiB aligned. @len: a non-zero multiple of 4 KiB.
 * Return: the VCM, or NULL (-EINVAL misaligned, zero-length or wrapping
 * range, -ENOMEM, -ENODEV no system).
 */
VCM_API struct vcm *vcm_rfc_create(vcm_da_t start_addr, uint64_t len);
/**
 * vcm_rfc_create_one_to_one() - a VCM for devices with no MMU over physical
 * [@start_addr, @start_addr + @len): device addresses are physical addresses,
 * so a reservation must sit at its memory's address. The simple way: make the
 * VCM exactly over a contiguous allocation and reserve it with
 * vcm_reserve_at(VCM_START, ...).
 * Return: the VCM or NULL.
 */
VCM_API struct vcm *vcm_rfc_create_one_to_one(vcm_pa_t start_addr, uint64_t len);
/**
 * vcm_rfc_create_from_prebuilt() - a VCM over the CPU's address space, already
 * associated with "cpu" and active: a 256 MiB window of this process reserved
 * with no access, where backing maps the memory.
 * @ext_vcm_id: VCM_PREBUILT_KERNEL or VCM_PREBUILT_USER.
 * Return: the VCM, or NULL (-EINVAL unknown id; -EBUSY that view's VCM exists
 * already: there is one window per view).
 */
VCM_API struct vcm *vcm_rfc_create_from_prebuilt(unsigned int ext_vcm_id);
/** vcm_rfc_clone() - deep copy (same reservations and backing, no associations). */
VCM_API struct vcm *vcm_rfc_clone(struct vcm *vcm);
/**
 * vcm_rfc_free() - Return: 0; -EBUSY while it has reservations or
 * associations; -EINVAL NULL or freed.
 */
VCM_API int vcm_rfc_free(struct vcm *vcm);
VCM_API vcm_da_t vcm_rfc_get_start_addr(struct vcm *vcm);
VCM_API uint64_t vcm_rfc_get_len(struct vcm *vcm);

/* ---- reservations -------------------------------------------------------- */

/**
 * vcm_rfc_reserve() - reserve @len bytes of @vcm.
 * @len:  a non-zero multiple of 4 KiB.
 * @attr: VCM_READ.. access bits, cache policy and VCM_ALIGN_* (see above).
 * Return: the reservation, or NULL (-EINVAL bad attr, or len 0, unaligned or
 * larger than the VCM; -ENOMEM no free run that long is left).
 */
VCM_API struct vcm_res *vcm_rfc_reserve(struct vcm *vcm, uint64_t len, uint32_t attr);
/**
 * vcm_rfc_reserve_at() - reserve at a logical location.
 * @memtarget: VCM_START (the VCM's first address) or VCM_END (ending at its
 *             last address, rounded down to the alignment in @attr).
 * Return: the reservation, or NULL (-ENOMEM that place is taken, -EINVAL
 * bad memtarget, attr or len).
 */
VCM_API struct vcm_res *vcm_rfc_reserve_at(unsigned int memtarget, struct vcm *vcm, uint64_t len,
					   uint32_t attr);
/** vcm_rfc_unreserve() - Return: 0; -EBUSY while backed. */
VCM_API int vcm_rfc_unreserve(struct vcm_res *res);
VCM_API struct vcm *vcm_rfc_get_vcm_from_res(struct vcm_res *res);
VCM_API uint64_t vcm_rfc_get_res_len(struct vcm_res *res);
/**
 * vcm_rfc_set_res_attr() - change access bits and cache policy. An alignment
 * in @attr must be one the reservation has (that or less; it never moves).
 * Return: 0; -EBUSY while backed; -EINVAL bad attr, or an alignment above
 * the reservation's.
 */
VCM_API int vcm_rfc_set_res_attr(struct vcm_res *res, uint32_t attr);
/**
 * vcm_rfc_get_res_attr() - the attributes in effect: access bits (READ|WRITE
 * when none were given), VCM_SUPERVISOR always, cache policy, and the
 * alignment the reservation has: the one vcm_reserve() was asked for; after
 * vcm_reserve_at(), the largest its address is a multiple of, up to 1 GiB
 * (at least what was asked). 0 on error.
 */
VCM_API uint32_t vcm_rfc_get_res_attr(struct vcm_res *res);
VCM_API uint64_t vcm_rfc_get_num_res(struct vcm *vcm);
/**
 * vcm_rfc_get_next_res() - address order; @res NULL for the first.
 * Return: the next reservation; NULL with errno 0 after the last, NULL with
 * -EINVAL when @vcm is not a live VCM or @res not a live reservation of it.
 */
VCM_API struct vcm_res *vcm_rfc_get_next_res(struct vcm *vcm, struct vcm_res *res);
/**
 * vcm_rfc_res_copy() - copy between backed reservations.
 * Return: bytes copied; 0 on error (-ENOENT one is not backed, -EINVAL bad
 * handle, a range past a reservation's end, or the two ranges sharing a
 * physical byte).
 */
VCM_API uint64_t vcm_rfc_res_copy(struct vcm_res *to, uint64_t to_off, struct vcm_res *from,
				  uint64_t from_off, uint64_t len);
/** vcm_rfc_get_min_page_size() - 4 KiB. */
VCM_API uint64_t vcm_rfc_get_min_page_size(void);

/* ---- bounds -------------------------------------------------------------- */

/** vcm_rfc_create_bound() - NULL on error (-EINVAL bad len or vcm, -ENOMEM no room). */
VCM_API struct vcm_bound *vcm_rfc_create_bound(struct vcm *vcm, uint64_t len);
/** vcm_rfc_free_bound() - Return: 0; -EBUSY while it holds reservations. */
VCM_API int vcm_rfc_free_bound(struct vcm_bound *bound);
/** vcm_rfc_reserve_from_bound() - NULL on error (-EINVAL, -ENOMEM no room in the bound). */
VCM_API struct vcm_res *vcm_rfc_reserve_from_bound(struct vcm_bound *bound, uint64_t len,
						   uint32_t attr);
VCM_API vcm_da_t vcm_rfc_get_bound_start_addr(struct vcm_bound *bound);
VCM_API uint64_t vcm_rfc_get_bound_len(struct vcm_bound *bound);

/* ---- physical memory and backing ----------------------------------------- */

/**
 * vcm_rfc_phys_alloc() - allocate @len bytes from @memtype.
 * @attr: VCM_4KB / VCM_64KB / VCM_1MB (sizes allowed; none or VCM_ALL: all,
 *        largest first), or VCM_PHYS_CONT (one chunk); VCM_COHERENT; an
 *        alignment field: every chunk aligned to it (chunked: only sizes at
 *        least that large are used; VCM_PHYS_CONT: the start aligned to
 *        it, through vcm_alloc_cont()).
 * Return: the allocation, or NULL (-EINVAL, -ENOMEM).
 */
VCM_API struct vcm_mem *vcm_rfc_phys_alloc(unsigned int memtype, uint64_t len, uint32_t attr);
/** vcm_rfc_phys_free() - Return: 0; -EBUSY while a reservation is backed by it. */
VCM_API int vcm_rfc_phys_free(struct vcm_mem *physmem);
/** vcm_rfc_map_phys_addr() - wrap physical [@phys, @phys + @len) as an allocation. */
VCM_API struct vcm_mem *vcm_rfc_map_phys_addr(vcm_pa_t phys, uint64_t len);
/**
 * vcm_rfc_back() - map @res to @physmem in every table of its VCM.
 * Return: 0; -EINVAL length mismatch or bad handle; -EBUSY already backed;
 * -EAGAIN no association of the VCM is active; -EOPNOTSUPP a device's table
 * cannot express the reservation's attributes (VCM_SECURE on a table walked
 * in the Non-secure state, as the default system's are; a cache policy pair
 * the "mdp" table's MAIR has no slot for), the device named. All or nothing.
 */
VCM_API int vcm_rfc_back(struct vcm_res *res, struct vcm_mem *physmem);
/** vcm_rfc_unback() - Return: 0; -ENOENT not backed. */
VCM_API int vcm_rfc_unback(struct vcm_res *res);
/** vcm_rfc_get_physmem_from_res() - the backing; NULL with -ENOENT if not backed. */
VCM_API struct vcm_mem *vcm_rfc_get_physmem_from_res(struct vcm_res *res);
/** vcm_rfc_get_memtype_of_physalloc() - memtype index, or a negative errno. */
VCM_API int vcm_rfc_get_memtype_of_physalloc(struct vcm_mem *physmem);
/**
 * vcm_rfc_get_next_phys_addr() - iterate the chunks of @physmem, in order.
 * @phys: 0 for the first chunk, else the address the previous call returned.
 * @len:  receives the chunk's length.
 * Return: the chunk's physical address; 0 after the last (errno 0) or on
 * error (-EINVAL bad handle, @len NULL, @phys not one of its chunks).
 */
VCM_API vcm_pa_t vcm_rfc_get_next_phys_addr(struct vcm_mem *physmem, vcm_pa_t phys, uint64_t *len);

/* ---- associations -------------------------------------------------------- */

/**
 * vcm_rfc_assoc() - link @vcm with device @dev_id (inactive).
 * @attr: VCM_USE_LOW_BASE (also: 0), VCM_USE_HIGH_BASE, VCM_SPLIT(bits).
 * Return: the association, or NULL (-ENODEV no such device, -EEXIST @vcm is
 * associated with that device already, -EINVAL bad handle or attr,
 * -EOPNOTSUPP the device's table cannot express what @vcm already maps:
 * see vcm_rfc_back()).
 */
VCM_API struct vcm_avcm *vcm_rfc_assoc(struct vcm *vcm, const char *dev_id, uint32_t attr);
/** vcm_rfc_deassoc() - Return: 0; -EBUSY while active. */
VCM_API int vcm_rfc_deassoc(struct vcm_avcm *avcm);
/** vcm_rfc_set_assoc_attr() - Return: 0; -EBUSY while active. */
VCM_API int vcm_rfc_set_assoc_attr(struct vcm_avcm *avcm, uint32_t attr);
VCM_API uint32_t vcm_rfc_get_assoc_attr(struct vcm_avcm *avcm);
/**
 * vcm_rfc_activate() - program the table into the device.
 * Return: 0; -EBUSY already active, or another VCM is active on that base of
 * the device; -ENODEV no system.
 */
VCM_API int vcm_rfc_activate(struct vcm_avcm *avcm);
/** vcm_rfc_deactivate() - Return: 0; -ENOENT not active. */
VCM_API int vcm_rfc_deactivate(struct vcm_avcm *avcm);
/** vcm_rfc_is_active() - 1 active, 0 inactive, negative errno bad handle. */
VCM_API int vcm_rfc_is_active(struct vcm_avcm *avcm);

/* ---- queries and low-level control --------------------------------------- */

/** vcm_rfc_get_dev_addr() - the device address (CPU VCMs: a pointer) of @res. */
VCM_API vcm_da_t vcm_rfc_get_dev_addr(struct vcm_res *res);
/**
 * vcm_rfc_get_res() - the reservation of @vcm holding @dev_addr, or NULL
 * (-ENOENT none holds it, -EINVAL @vcm not a live VCM).
 */
VCM_API struct vcm_res *vcm_rfc_get_res(vcm_da_t dev_addr, struct vcm *vcm);
/**
 * vcm_rfc_translate() - the address in @dst_vcm that maps the physical byte
 * @src_dev_addr maps in @src_vcm.
 */
VCM_API vcm_da_t vcm_rfc_translate(vcm_da_t src_dev_addr, struct vcm *src_vcm, struct vcm *dst_vcm);
/** vcm_rfc_get_phys_num_res() - how many reservations map physical address @phys. */
VCM_API uint64_t vcm_rfc_get_phys_num_res(vcm_pa_t phys);
/**
 * vcm_rfc_get_next_phys_res() - iterate the reservations that map @phys.
 * @res: NULL for the first. @len: receives the reservation's length.
 * Return: the next reservation, or NULL after the last.
 */
VCM_API struct vcm_res *vcm_rfc_get_next_phys_res(vcm_pa_t phys, struct vcm_res *res,
						  uint64_t *len);
/**
 * vcm_rfc_get_pgtbl_pa() - physical address of @vcm's page table: the table
 * of its first associated IOMMU device in the order "vcodec", "mdp" (a VCM
 * has one table per format). 0 if it has none (-ENOENT) or @vcm is not a
 * live VCM (-EINVAL).
 */
VCM_API vcm_pa_t vcm_rfc_get_pgtbl_pa(struct vcm *vcm);
VCM_API vcm_pa_t vcm_rfc_get_cont_memtype_pa(unsigned int memtype);
VCM_API uint64_t vcm_rfc_get_cont_memtype_len(unsigned int memtype);
/**
 * vcm_rfc_dev_addr_to_phys_addr() - look @dev_addr up in the tables active in
 * @dev_id, low base first. When nothing maps it this is a fault: the device's
 * handler (vcm_hook()) runs, and if it returns 1 the lookup is tried once more.
 * Return: the physical address, or 0 (-ENOENT nothing maps it, which
 * includes no VCM active on the device; -ENODEV no such device).
 */
VCM_API vcm_pa_t vcm_rfc_dev_addr_to_phys_addr(const char *dev_id, vcm_da_t dev_addr);
/** vcm_rfc_hook() - set @dev_id's fault handler (NULL: none). Return: 0; -ENODEV. */
VCM_API int vcm_rfc_hook(const char *dev_id, vcm_rfc_handler handler, void *data);
/** vcm_rfc_hw_ver() - the device's hardware version; 0 with -ENODEV if unknown. */
VCM_API uint32_t vcm_rfc_hw_ver(const char *dev_id);

/* ---- the 2010 names ------------------------------------------------------ */

#ifndef VCM_RFC_NO_2010_NAMES
#if defined(VCM_VCM_H) || defined(VCM_PHYS_H)
/* vcm.h and phys.h use these names otherwise: one side per file, or VCM_RFC_NO_2010_NAMES. */
#error "vcm/rfc.h (2010 names) with vcm/vcm.h or vcm/phys.h: see VCM_RFC_NO_2010_NAMES"
#endif
#define VCM_RFC_2010_NAMES 1

#define vcm_sys_init                 vcm_rfc_sys_init
#define vcm_sys_destroy              vcm_rfc_sys_destroy
#define vcm_create                   vcm_rfc_create
#define vcm_create_one_to_one        vcm_rfc_create_one_to_one
#define vcm_create_from_prebuilt     vcm_rfc_create_from_prebuilt
#define vcm_clone                    vcm_rfc_clone
#define vcm_free                     vcm_rfc_free
#define vcm_get_start_addr           vcm_rfc_get_start_addr
#define vcm_get_len                  vcm_rfc_get_len
#define vcm_reserve                  vcm_rfc_reserve
#define vcm_reserve_at               vcm_rfc_reserve_at
#define vcm_unreserve                vcm_rfc_unreserve
#define vcm_get_vcm_from_res         vcm_rfc_get_vcm_from_res
#define vcm_get_res_len              vcm_rfc_get_res_len
#define vcm_set_res_attr             vcm_rfc_set_res_attr
#define vcm_get_res_attr             vcm_rfc_get_res_attr
#define vcm_get_num_res              vcm_rfc_get_num_res
#define vcm_get_next_res             vcm_rfc_get_next_res
#define vcm_res_copy                 vcm_rfc_res_copy
#define vcm_get_min_page_size        vcm_rfc_get_min_page_size
#define vcm_create_bound             vcm_rfc_create_bound
#define vcm_free_bound               vcm_rfc_free_bound
#define vcm_reserve_from_bound       vcm_rfc_reserve_from_bound
#define vcm_get_bound_start_addr     vcm_rfc_get_bound_start_addr
#define vcm_get_bound_len            vcm_rfc_get_bound_len
#define vcm_phys_alloc               vcm_rfc_phys_alloc
#define vcm_phys_free                vcm_rfc_phys_free
#define vcm_map_phys_addr            vcm_rfc_map_phys_addr
#define vcm_back                     vcm_rfc_back
#define vcm_unback                   vcm_rfc_unback
#define vcm_get_physmem_from_res     vcm_rfc_get_physmem_from_res
#define vcm_get_memtype_of_physalloc vcm_rfc_get_memtype_of_physalloc
#define vcm_get_next_phys_addr       vcm_rfc_get_next_phys_addr
#define vcm_assoc                    vcm_rfc_assoc
#define vcm_deassoc                  vcm_rfc_deassoc
#define vcm_set_assoc_attr           vcm_rfc_set_assoc_attr
#define vcm_get_assoc_attr           vcm_rfc_get_assoc_attr
#define vcm_activate                 vcm_rfc_activate
#define vcm_deactivate               vcm_rfc_deactivate
#define vcm_is_active                vcm_rfc_is_active
#define vcm_get_dev_addr             vcm_rfc_get_dev_addr
#define vcm_get_res                  vcm_rfc_get_res
#define vcm_translate                vcm_rfc_translate
#define vcm_get_phys_num_res         vcm_rfc_get_phys_num_res
#define vcm_get_next_phys_res        vcm_rfc_get_next_phys_res
#define vcm_get_pgtbl_pa             vcm_rfc_get_pgtbl_pa
#define vcm_get_cont_memtype_pa      vcm_rfc_get_cont_memtype_pa
#define vcm_get_cont_memtype_len     vcm_rfc_get_cont_memtype_len
#define vcm_dev_addr_to_phys_addr    vcm_rfc_dev_addr_to_phys_addr
#define vcm_hook                     vcm_rfc_hook
#define vcm_hw_ver                   vcm_rfc_hw_ver
#define vcm_handler                  vcm_rfc_handler

#define VCM_READ           VCM_RFC_READ
#define VCM_WRITE          VCM_RFC_WRITE
#define VCM_EXECUTE        VCM_RFC_EXECUTE
#define VCM_USER           VCM_RFC_USER
#define VCM_SUPERVISOR     VCM_RFC_SUPERVISOR
#define VCM_SECURE         VCM_RFC_SECURE
#define VCM_NOTCACHED      VCM_RFC_NOTCACHED
#define VCM_WB_WA          VCM_RFC_WB_WA
#define VCM_WB_NWA         VCM_RFC_WB_NWA
#define VCM_WT             VCM_RFC_WT
#define VCM_INNER_NOTCACHED VCM_RFC_INNER(VCM_RFC_CP_NOTCACHED)
#define VCM_INNER_WB_WA    VCM_RFC_INNER(VCM_RFC_CP_WB_WA)
#define VCM_INNER_WB_NWA   VCM_RFC_INNER(VCM_RFC_CP_WB_NWA)
#define VCM_INNER_WT       VCM_RFC_INNER(VCM_RFC_CP_WT)
#define VCM_OUTER_NOTCACHED VCM_RFC_OUTER(VCM_RFC_CP_NOTCACHED)
#define VCM_OUTER_WB_WA    VCM_RFC_OUTER(VCM_RFC_CP_WB_WA)
#define VCM_OUTER_WB_NWA   VCM_RFC_OUTER(VCM_RFC_CP_WB_NWA)
#define VCM_OUTER_WT       VCM_RFC_OUTER(VCM_RFC_CP_WT)
#define VCM_ALIGN_4K       VCM_RFC_ALIGN(12)
#define VCM_ALIGN_8K       VCM_RFC_ALIGN(13)
#define VCM_ALIGN_16K      VCM_RFC_ALIGN(14)
#define VCM_ALIGN_32K      VCM_RFC_ALIGN(15)
#define VCM_ALIGN_64K      VCM_RFC_ALIGN(16)
#define VCM_ALIGN_128K     VCM_RFC_ALIGN(17)
#define VCM_ALIGN_256K     VCM_RFC_ALIGN(18)
#define VCM_ALIGN_512K     VCM_RFC_ALIGN(19)
#define VCM_ALIGN_1M       VCM_RFC_ALIGN(20)
#define VCM_ALIGN_2M       VCM_RFC_ALIGN(21)
#define VCM_ALIGN_4M       VCM_RFC_ALIGN(22)
#define VCM_ALIGN_8M       VCM_RFC_ALIGN(23)
#define VCM_ALIGN_16M      VCM_RFC_ALIGN(24)
#define VCM_ALIGN_32M      VCM_RFC_ALIGN(25)
#define VCM_ALIGN_64M      VCM_RFC_ALIGN(26)
#define VCM_ALIGN_128M     VCM_RFC_ALIGN(27)
#define VCM_ALIGN_256M     VCM_RFC_ALIGN(28)
#define VCM_ALIGN_512M     VCM_RFC_ALIGN(29)
#define VCM_ALIGN_1GB      VCM_RFC_ALIGN(30)
#define VCM_ALIGN_1G       VCM_ALIGN_1GB
#define VCM_4KB            VCM_RFC_4KB
#define VCM_64KB           VCM_RFC_64KB
#define VCM_1MB            VCM_RFC_1MB
#define VCM_ALL            VCM_RFC_ALL
#define VCM_PHYS_CONT      VCM_RFC_PHYS_CONT
#define VCM_COHERENT       VCM_RFC_COHERENT
#define VCM_USE_LOW_BASE   VCM_RFC_USE_LOW_BASE
#define VCM_USE_HIGH_BASE  VCM_RFC_USE_HIGH_BASE
#define VCM_SPLIT(bits)    VCM_RFC_SPLIT(bits)
#define VCM_MEMTYPE_0      VCM_RFC_MEMTYPE_0
#define VCM_MEMTYPE_1      VCM_RFC_MEMTYPE_1
#define VCM_MEMTYPE_2      VCM_RFC_MEMTYPE_2
#define VCM_MEMTYPE_3      VCM_RFC_MEMTYPE_3
#define VCM_PREBUILT_KERNEL VCM_RFC_PREBUILT_KERNEL
#define VCM_PREBUILT_USER  VCM_RFC_PREBUILT_USER
#define VCM_START          VCM_RFC_START
#define VCM_END            VCM_RFC_END
#endif /* VCM_RFC_NO_2010_NAMES */

#ifdef __cplusplus
}
#endif

#endif /* VCM_RFC_H */
