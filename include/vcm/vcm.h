/* SPDX-License-Identifier: MIT */
/*
 * The mapping graph: physical memory on one side; on the other, every device
 * that reaches it (bus masters behind IOMMUs of any page-table format, devices
 * with no MMU, CPUs). The objects of the 2010 VCMM design, over the landed
 * layers (vcm_pt_*, vcm_vs_*, vcm_phys_*):
 *
 *   struct vcm_sys    a platform, its memtypes (struct vcm_phys), its devices
 *                     and VCMs. No global state: everything hangs off one sys.
 *   struct vcm_dev    a registered device (include/vcm/dev.h).
 *   struct vcm        a device address space [start, start + len). Its
 *                     reservations are the record; tables are derived from it.
 *   struct vcm_res    a range reserved in a VCM; backed or not.
 *   struct vcm_bound  a sub-range of a VCM that reservations are drawn from.
 *   struct vcm_avcm   an association VCM <-> device; inactive until activated.
 *   struct vcm_mem    a physical allocation made through the graph: it wraps
 *                     a vcm_phys allocation (struct vcm_physmem) and keeps
 *                     naming the memory when vcm_migrate() moves it.
 *
 * Tables: a VCM holds one mapper instance (for page tables: one vcm_pt) per
 * distinct configuration among its associated devices, made on the first
 * association, so devices of one format share one table and devices of other
 * formats get their own, kept in step by every back and unback.
 *
 * Errors: 0 or a negative errno; the message, "public_call: what was wrong
 * with which argument", is kept per thread when the platform gives a
 * diag_slot (struct vcm_sys_cfg), else by the system (vcm_sys_last_error()).
 * Handles: every handle is checked; a freed or foreign handle is -EINVAL
 * (never undefined behaviour) for as long as the system lives, even after its
 * memory holds a newer object: a handle carries the generation of the slot it
 * names, and a slot whose generations run out is never reused. Handles are
 * opaque values, not addresses to read; compare them only with ==. A
 * pointer that was never a handle of this library (a struct vcm_physmem, a
 * slot store, any other memory) is not one, and is outside this promise. After
 * vcm_sys_destroy() no handle of the system may be used, unless the system
 * was made with a slot store (cfg->slots): then they stay -EINVAL in every
 * later system of that store, until vcm_slots_destroy().
 * Threads: every call takes the system's lock (with cfg->locks, calls inside
 * one VCM take it shared plus the VCM's lock); calls are thread-safe. Lock
 * order and the rules for hooks are in docs/graph.md.
 * Words: docs/glossary.md.
 */
#ifndef VCM_VCM_H
#define VCM_VCM_H

#include <vcm/types.h>
#include <vcm/platform.h>
#include <vcm/pgtable.h>
#include <vcm/phys.h>
#include <vcm/vspace.h>
#include <vcm/dev.h>
#include <vcm/mapper_pt.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vcm_sys;
struct vcm_dev;
struct vcm;
struct vcm_res;
struct vcm_bound;
struct vcm_avcm;
struct vcm_mem;

/* A device with no MMU: device addresses are physical (include/vcm/dev.h). */
VCM_API extern const struct vcm_mapper_ops vcm_mapper_one_to_one;

/* ---- the system ---------------------------------------------------------- */

/**
 * struct vcm_sys_cfg - what a system is made of.
 * @plat:        platform ops: table memory, metadata, and pa_to_cpu for every
 *               physical address of the memtypes (vcm_res_copy() and
 *               vcm_migrate() copy bytes through it). Kept, must outlive the sys.
 * @memtypes:    the memory targets, as for vcm_phys_create().
 * @nr_memtypes: how many.
 * @lock:        optional (NULL: the caller serialises every call): the lock
 *               every public call takes; copied. Device ops and platform ops
 *               are called with it held, fault hooks without (docs/graph.md).
 * @diag_slot:   optional: where the calling thread's messages go. Called
 *               with @diag_ctx when a call that can fail starts (to name it
 *               in the record), when it records a failure, and by
 *               vcm_sys_last_error(), from the calling thread; it must return
 *               the same record for the same thread (a hosted platform
 *               returns a thread-local one). NULL: one record for the whole
 *               system, so with several threads vcm_sys_last_error() may show
 *               another thread's message.
 * @diag_ctx:    its argument.
 * @slots:       optional: a slot store (vcm_slots_create()) the system takes
 *               its handle slots from and gives them back to when destroyed,
 *               so that handles kept past vcm_sys_destroy() stay -EINVAL in
 *               every later system made with the same store. NULL: the slots
 *               are the system's and go with it.
 * @locks:       optional: finer locks (struct vcm_lock_ops), used in place
 *               of @lock: calls inside one VCM (reserve, back, unback,
 *               unreserve, dirty reads, lookups in a VCM) hold the system
 *               lock shared and the VCM's own lock, so calls in different
 *               VCMs run at once; calls that change the graph's shape hold
 *               it exclusive. Needs @diag_slot (without one every call is
 *               exclusive: the single record could not be shared). NULL:
 *               @lock alone, one lock for every call.
 */
struct vcm_sys_cfg {
	const struct vcm_plat_ops *plat;
	const struct vcm_phys_memtype_cfg *memtypes;
	unsigned int nr_memtypes;
	const struct vcm_sys_lock *lock;
	struct vcm_diag *(*diag_slot)(void *ctx);
	void *diag_ctx;
	struct vcm_slots *slots;
	const struct vcm_lock_ops *locks;
};

/*
 * Slot stores. A handle is a slot of its system's pools plus the slot's
 * generation (docs/graph.md); a store keeps the slots and their generations
 * from one system to the next, for a caller that makes system after system
 * and cannot make sure its users drop every handle (rfc.h's default system).
 */
struct vcm_slots;
/**
 * vcm_slots_create() - an empty store whose memory comes from @plat's
 * meta_alloc/meta_free (@plat is kept and must outlive the store).
 * Return: 0 and *@out; -EINVAL NULL argument or op; -ENOMEM.
 */
VCM_API int vcm_slots_create(const struct vcm_plat_ops *plat, struct vcm_slots **out,
			     struct vcm_diag *diag);
/**
 * vcm_slots_destroy() - free the store and its slots. Handles of systems that
 * used it must not be used after this.
 * Return: 0; -EINVAL NULL; -EBUSY a live system uses it.
 */
VCM_API int vcm_slots_destroy(struct vcm_slots *slots);

/* -EBUSY also when cfg->slots is used by a live system. A guest system
 * (cfg->plat a struct vcm_nest_plat's ops): -EINVAL also when that plat is
 * finished (vcm_nest_plat_fini()) or was never made, or a memtype covers its
 * table arena. */
VCM_API int vcm_sys_create(const struct vcm_sys_cfg *cfg, struct vcm_sys **out,
			   struct vcm_diag *diag);
/* -EINVAL NULL or not a live system; -EBUSY while VCMs, devices or physical
 * allocations are live. */
VCM_API int vcm_sys_destroy(struct vcm_sys *sys);
/* What a system holds: live VCMs, registered devices, physical allocations. */
struct vcm_sys_counts {
	uint64_t vcms;
	uint64_t devs;
	uint64_t mems;
};
/* The counts vcm_sys_destroy() needs at 0 (a caller that registered devices
 * can learn whether anything else is left before it unregisters them).
 * Return: 0; -EINVAL @sys not a live system or @out NULL. */
VCM_API int vcm_sys_counts(struct vcm_sys *sys, struct vcm_sys_counts *out);
/* The calling thread's last message (with a diag_slot; else the system's). */
VCM_API const char *vcm_sys_last_error(const struct vcm_sys *sys);
VCM_API struct vcm_phys *vcm_sys_phys(struct vcm_sys *sys);
/* Whole-graph validator for tests: every backed range present in every table
 * of its VCM with the right pa, nothing else mapped, reverse map == walk. */
VCM_API int vcm_sys_check_(struct vcm_sys *sys);

/* ---- devices ------------------------------------------------------------- */

VCM_API int vcm_dev_register(struct vcm_sys *sys, const struct vcm_dev_cfg *cfg,
			     struct vcm_dev **out);
/* -EBUSY while the device has associations. */
VCM_API int vcm_dev_unregister(struct vcm_dev *dev);
/* NULL when no device has that name. */
VCM_API struct vcm_dev *vcm_dev_find(struct vcm_sys *sys, const char *name);
VCM_API const char *vcm_dev_name(const struct vcm_dev *dev);
/* vcm_hw_ver(): the device's hw_version op, 0 without one; -EINVAL bad handle. */
VCM_API int vcm_hw_ver(struct vcm_dev *dev, uint32_t *ver);

/*
 * Faults. A handler returns VCM_FAULT_RETRY after repairing the mapping, or
 * VCM_FAULT_TERMINATE. vcm_dev_fault() is what a device model or driver calls:
 * it records the fault (vcm_dev_last_fault()) and runs the hook without the
 * system lock held, so the hook may back, unback or migrate; with no hook the
 * result is VCM_FAULT_TERMINATE.
 */
typedef int (*vcm_fault_fn)(struct vcm_dev *dev, void *data, const struct vcm_fault *fault);
VCM_API int vcm_hook(struct vcm_dev *dev, vcm_fault_fn fn, void *data);
/* vcm_dev_fault(): the hook's result; -EINVAL bad handle or @fault NULL. */
VCM_API int vcm_dev_fault(struct vcm_dev *dev, const struct vcm_fault *fault);
/* The last fault and how many were reported (@count optional); -ENOENT none yet. */
VCM_API int vcm_dev_last_fault(struct vcm_dev *dev, struct vcm_fault *out, uint64_t *count);

/* ---- VCMs ---------------------------------------------------------------- */

/* A device address space [@start, @start + @len), both multiples of 4 KiB. */
VCM_API int vcm_create(struct vcm_sys *sys, vcm_da_t start, uint64_t len, struct vcm **out);
/*
 * A VCM for devices with no MMU: device addresses are physical addresses, and
 * [@start, @start + @len) is the memory its devices can reach. vcm_back()
 * requires every extent's pa to equal its da (-EINVAL otherwise): reserve with
 * vcm_reserve_at(vcm, pa of the memory, len), memory physically contiguous.
 */
VCM_API int vcm_create_one_to_one(struct vcm_sys *sys, vcm_pa_t start, uint64_t len,
				  struct vcm **out);
/*
 * A prebuilt CPU VCM over @cpu (a device whose mapper is a CPU mapper): its
 * range is the mapper's, it is associated with @cpu and active from the start.
 * @user selects the user (true) or kernel (false) view.
 */
VCM_API int vcm_create_prebuilt(struct vcm_sys *sys, struct vcm_dev *cpu, bool user,
				struct vcm **out);
/*
 * Deep copy: same range, same bounds and reservations at the same addresses,
 * backed by the same physical memory, no associations (so no tables until
 * associated). Later changes are not shared. All or nothing.
 */
VCM_API int vcm_clone(struct vcm *src, struct vcm **out);
/* -EBUSY while it has reservations or associations (a prebuilt VCM's own
 * association is removed by vcm_free). */
VCM_API int vcm_free(struct vcm *vcm);
/*
 * The range cache of @vcm's address space (docs/vspace.md, "Range cache"):
 * with @cc->flags VCM_VS_CACHE_ON, a freed reservation of 4 KiB..256 KiB
 * (a power of two, at a multiple of its size) is kept and handed to the next
 * vcm_reserve() of that size in O(1), which may then land above the lowest
 * fit; nothing else changes, and no call fails because of it. For a driver
 * that reserves a buffer per I/O. Off by default; flags 0 turns it off.
 * Bounds created afterwards inherit it. -EINVAL: bad handle, @cc NULL or
 * unknown flags.
 */
VCM_API int vcm_set_range_cache(struct vcm *vcm, const struct vcm_vs_cache_cfg *cc);
/* What the range cache of @vcm (not its bounds) has done; -EINVAL bad handle or @out NULL. */
VCM_API int vcm_get_range_cache_stats(struct vcm *vcm, struct vcm_vs_cache_stats *out);
VCM_API vcm_da_t vcm_get_start_addr(const struct vcm *vcm);
VCM_API uint64_t vcm_get_len(const struct vcm *vcm);

/* ---- reservations -------------------------------------------------------- */

/**
 * vcm_reserve() - reserve @len bytes of device addresses anywhere in @vcm.
 * @len:   bytes, a nonzero multiple of 4 KiB.
 * @align: a power of two from 4 KiB to 1 GiB, or 0 for 4 KiB. An alignment
 *         below the largest leaf the length could use is allowed (it just
 *         maps with smaller leaves).
 * @prot:  VCM_PT_PROT_* for every mapping of the reservation (READ required).
 * @out:   receives the reservation.
 *
 * Context: takes the system lock. On failure nothing changes.
 * Return: 0; -EINVAL bad handle, @out NULL, @len 0 or not a multiple of
 * 4 KiB, @align not a power of two in 4K..1G, @prot refused by
 * vcm_pt_prot_check() (no READ, unknown bits, DEVICE with a cache or share
 * field, a reserved share value); -ERANGE @len larger than the whole VCM; -ENOSPC the VCM is
 * full: no free @align-aligned run of @len bytes (outside its bounds);
 * -ENOMEM no metadata.
 */
VCM_API int vcm_reserve(struct vcm *vcm, uint64_t len, uint64_t align, unsigned int prot,
			struct vcm_res **out);
/**
 * vcm_reserve_at() - reserve [@da, @da + @len) of @vcm.
 * @da: a multiple of 4 KiB. Other arguments as vcm_reserve().
 *
 * Context: takes the system lock. On failure nothing changes.
 * Return: 0; -EINVAL as vcm_reserve(), or @da not a multiple of 4 KiB;
 * -EOVERFLOW @da + @len wraps; -ERANGE the range is not inside the VCM;
 * -EEXIST it overlaps a reservation or a bound; -ENOMEM no metadata.
 */
VCM_API int vcm_reserve_at(struct vcm *vcm, vcm_da_t da, uint64_t len, unsigned int prot,
			   struct vcm_res **out);
/* -EBUSY while backed. */
VCM_API int vcm_unreserve(struct vcm_res *res);
VCM_API struct vcm *vcm_get_vcm_from_res(const struct vcm_res *res);
VCM_API uint64_t vcm_get_res_len(const struct vcm_res *res);
VCM_API int vcm_get_res_attr(const struct vcm_res *res, unsigned int *prot, uint64_t *align);
/* Changes the prot of future mappings; -EBUSY while backed, -EINVAL for a
 * prot vcm_pt_prot_check() refuses. */
VCM_API int vcm_set_res_attr(struct vcm_res *res, unsigned int prot);
VCM_API uint64_t vcm_get_num_res(const struct vcm *vcm);
/* Address order; @prev NULL for the first; NULL after the last. */
VCM_API struct vcm_res *vcm_get_next_res(const struct vcm *vcm, const struct vcm_res *prev);
/* Copy @len bytes between two backed reservations through physical memory.
 * -EINVAL when the two ranges share a physical byte (overlap in one
 * allocation, two wraps of the same memory, or in a guest system two IPAs
 * the host maps to the same memory); -ENOENT one is unbacked; -ERANGE an
 * offset + @len past its reservation; -EFAULT a pa of @to or @from (named)
 * without a CPU view; -EACCES (a guest system) the host maps a page of @to
 * read-only. All or nothing: checked before any byte moves. */
VCM_API int vcm_res_copy(struct vcm_res *to, uint64_t to_off, struct vcm_res *from,
			 uint64_t from_off, uint64_t len);
/**
 * vcm_res_read_clear_dirty() - the pages of @res that devices wrote since the
 * last clear (live migration of a guest with assigned devices).
 * @res:   a backed reservation in a VCM whose every table records writes
 *         (devices whose mapper_cfg has VCM_PT_CFG_DIRTY).
 * @flags: VCM_DIRTY_NO_CLEAR (include/vcm/prot.h), or 0 to clear what is
 *         reported; the devices' TLBs are invalidated after a clear.
 * @fn:    called for each run of written pages, in address order, clipped to
 *         @res (a written block counts whole), with the system locked (it
 *         must not call the graph); a nonzero return stops the report and is
 *         returned: runs not yet reported are cleared all the same.
 * @arg:   first argument of @fn.
 *
 * The union over the VCM's tables: a page written through any device's table
 * is reported once.
 *
 * Return: 0, what @fn returned, -EINVAL (bad handle, NULL @fn, unknown flags),
 * -ENOENT (@res not backed), -EOPNOTSUPP (a table of the VCM records no
 * writes, named), -ENOMEM (no room for the bitmap, one bit per 4 KiB page).
 */
VCM_API int vcm_res_read_clear_dirty(struct vcm_res *res, unsigned int flags,
				     int (*fn)(void *arg, vcm_da_t da, uint64_t len), void *arg);
/* The smallest page any VCM of @sys can map: 4 KiB; 0 if @sys is not a live system. */
VCM_API uint64_t vcm_get_min_page_size(const struct vcm_sys *sys);

/* ---- bounds -------------------------------------------------------------- */

/* A bound of @len bytes (a nonzero multiple of 4 KiB) anywhere in @vcm: errors
 * as vcm_reserve() (-ENOSPC: no free run of @len bytes). */
VCM_API int vcm_create_bound(struct vcm *vcm, uint64_t len, struct vcm_bound **out);
/* -EBUSY while it holds reservations. */
VCM_API int vcm_free_bound(struct vcm_bound *bound);
/* vcm_reserve() inside @bound: its errors, -ERANGE and -ENOSPC for the bound. */
VCM_API int vcm_reserve_from_bound(struct vcm_bound *bound, uint64_t len, uint64_t align,
				   unsigned int prot, struct vcm_res **out);
VCM_API vcm_da_t vcm_get_bound_start_addr(const struct vcm_bound *bound);
VCM_API uint64_t vcm_get_bound_len(const struct vcm_bound *bound);

/* ---- physical memory ----------------------------------------------------- */

/* vcm_phys_alloc() / vcm_phys_wrap() on the system's memtypes; their errors. */
VCM_API int vcm_alloc(struct vcm_sys *sys, unsigned int memtype, uint64_t len, uint64_t flags,
		      struct vcm_mem **out);
/**
 * vcm_alloc_cont() - allocate @len physically contiguous bytes at an alignment.
 * @sys:     the system.
 * @memtype: index of one of the system's memtypes.
 * @len:     bytes, a multiple of the memtype's smallest chunk size.
 * @align:   alignment of the physical start: a power of two, or 0 for the
 *           memtype's smallest chunk size (smaller values are rounded up to it).
 * @out:     receives the handle; one chunk (vcm_mem_next_chunk()).
 *
 * vcm_phys_alloc_cont() on the system's memtype. vcm_migrate() moves the memory
 * to a contiguous allocation with at least the same alignment.
 * Context: takes the system lock. Return: 0; -EINVAL bad @sys, @out NULL,
 * unknown memtype, @len 0 or not a multiple of the granule, @align not a power
 * of two; -ENOMEM no free run of @len bytes at that alignment, or no metadata.
 * On failure nothing is allocated.
 */
VCM_API int vcm_alloc_cont(struct vcm_sys *sys, unsigned int memtype, uint64_t len, uint64_t align,
			   struct vcm_mem **out);
VCM_API int vcm_alloc_wrap(struct vcm_sys *sys, vcm_pa_t pa, uint64_t len, struct vcm_mem **out);
/* -EBUSY while a reservation is backed by it, or while it holds a guest's
 * table arena (vcm_nest_plat_init() to vcm_nest_plat_fini()). */
VCM_API int vcm_free_phys(struct vcm_sys *sys, struct vcm_mem *mem);
/* Bytes of @mem; 0 for a bad handle. */
VCM_API uint64_t vcm_mem_len(const struct vcm_mem *mem);
/* Its memtype (the RFC's vcm_get_memtype_of_physalloc()); -ENOENT wrapped. */
VCM_API int vcm_mem_memtype(const struct vcm_mem *mem);
/*
 * Iterate its chunks, or its physically contiguous extents (chunks that follow
 * each other merged), as vcm_phys_next_chunk() / _extent() do: @iter 0 first,
 * -ENOENT after the last. This is how a DMA engine without an MMU is
 * programmed (the RFC's vcm_get_next_phys_addr()).
 */
VCM_API int vcm_mem_next_chunk(const struct vcm_mem *mem, uint64_t *iter, vcm_pa_t *pa,
			       uint64_t *len);
VCM_API int vcm_mem_next_extent(const struct vcm_mem *mem, uint64_t *iter, vcm_pa_t *pa,
				uint64_t *len);
/* The vcm_phys allocation behind @mem now (another one after vcm_migrate()). */
VCM_API struct vcm_physmem *vcm_mem_physmem(const struct vcm_mem *mem);

/* ---- backing ------------------------------------------------------------- */

/*
 * vcm_back() - map @res to @mem in every table of its VCM, using each
 * physically contiguous extent whole (so large leaves are used), then
 * invalidate each active device's TLB once for the range.
 * All or nothing: on failure every table is exactly as before, nothing leaked.
 * Return: 0; -EINVAL bad or foreign handle, vcm_mem_len(@mem) != the
 * reservation's length, or (one-to-one VCM) an extent whose pa != its da;
 * -EBUSY @res already backed; -EAGAIN the VCM has no active association
 * (nothing would see the mapping: associate and activate first; the tables of
 * inactive associations are written all the same, kept in step);
 * errors of the mappers (-EOPNOTSUPP, -ERANGE, -ENOMEM), named.
 */
VCM_API int vcm_back(struct vcm_res *res, struct vcm_mem *mem);
/*
 * vcm_unback() - remove every translation of @res.
 * Return: 0; -EINVAL bad handle; -ENOENT @res is not backed; -ENOMEM a CPU
 * mapper could not put its no-access mapping back (the hosted one needs an
 * mmap for it), named; @res is then still backed and every table and CPU
 * mapping as before.
 */
VCM_API int vcm_unback(struct vcm_res *res);
VCM_API struct vcm_mem *vcm_get_physmem_from_res(const struct vcm_res *res);

/* ---- associations -------------------------------------------------------- */

/*
 * Association attributes: which base register, or a split between both.
 * VCM_SPLIT(n) (1..63, two-base devices): the same table on both bases; an
 * address whose top n bits, counted in the VCM's address width (bit length of
 * its last address), are all ones belongs to the high base, others to the low.
 * n may be at most that width less 12, so that each base has whole 4 KiB pages.
 */
#define VCM_USE_LOW_BASE   (1U << 0)
#define VCM_USE_HIGH_BASE  (1U << 1)
#define VCM_SPLIT_SHIFT    8 /* bits 8..15: top address bits that select HIGH */
#define VCM_SPLIT(bits)    ((unsigned int)(bits) << VCM_SPLIT_SHIFT)
#define VCM_SPLIT_MASK     (0xffU << VCM_SPLIT_SHIFT)

/*
 * vcm_assoc(): a new table is filled with what the VCM already maps; a format
 * that cannot express a backed reservation's prot refuses here (-EOPNOTSUPP),
 * and the message names the device ("dev 'x': table: prot ...").
 */
VCM_API int vcm_assoc(struct vcm *vcm, struct vcm_dev *dev, unsigned int attr,
		      struct vcm_avcm **out);
/* -EBUSY while active. */
VCM_API int vcm_deassoc(struct vcm_avcm *avcm);
VCM_API int vcm_get_assoc_attr(const struct vcm_avcm *avcm, unsigned int *attr);
/* Only while inactive (-EBUSY otherwise). */
VCM_API int vcm_set_assoc_attr(struct vcm_avcm *avcm, unsigned int attr);
/*
 * Program the table base into the device (a context switch): ops->program on
 * every base the association uses, with the instance's vcm_pt_hw (NULL for a
 * mapper without tables). -EBUSY already active, or another VCM is active on
 * one of those base registers (deactivate it first, or use vcm_switch());
 * the program op's own error when the device refuses (nothing changes then).
 * A device with associations cannot be unregistered, so it cannot be gone.
 */
VCM_API int vcm_activate(struct vcm_avcm *avcm);
/* -ENOENT if not active. */
VCM_API int vcm_deactivate(struct vcm_avcm *avcm);
/* Deactivate whatever is active on @to's base registers and activate @to;
 * 0 if @to is already active. If the device refuses @to's table, what was
 * active before is programmed again and the device's error returned; if the
 * device refuses that too, the message names the bases left with nothing
 * active (vcm_is_active() tells for each association). */
VCM_API int vcm_switch(struct vcm_avcm *to);
/* 1 active, 0 inactive, -EINVAL bad handle. */
VCM_API int vcm_is_active(const struct vcm_avcm *avcm);

/* ---- queries ------------------------------------------------------------- */

/* The address the device (or CPU, for a prebuilt VCM: a pointer) uses. */
VCM_API vcm_da_t vcm_get_dev_addr(const struct vcm_res *res);
/* The reservation holding @da, or NULL. */
VCM_API struct vcm_res *vcm_get_res(struct vcm *vcm, vcm_da_t da);
/* The address in @dst that maps the same physical byte as @src_da in @src;
 * -EINVAL bad handle, @dst of another system, @dst_da NULL; -ENOENT @src_da
 * not backed in @src, or @dst maps nothing at that byte. */
VCM_API int vcm_translate(struct vcm *src, vcm_da_t src_da, struct vcm *dst, vcm_da_t *dst_da);
/*
 * The reverse map: every (VCM, reservation, device address) whose backing
 * contains @pa, in O(log n + answers). vcm_get_next_phys_res() starts with
 * @prev NULL and returns NULL after the last; *@da receives the device
 * address at which that reservation maps @pa.
 */
VCM_API uint64_t vcm_get_phys_num_res(struct vcm_sys *sys, vcm_pa_t pa);
VCM_API struct vcm_res *vcm_get_next_phys_res(struct vcm_sys *sys, vcm_pa_t pa,
					      const struct vcm_res *prev, vcm_da_t *da);
/* Physical address and register values of the table @dev uses in @vcm. */
VCM_API int vcm_get_pgtbl_pa(struct vcm *vcm, struct vcm_dev *dev, vcm_pa_t *pa);
VCM_API int vcm_get_hw(struct vcm *vcm, struct vcm_dev *dev, struct vcm_hw_regs *out);
/*
 * vcm_walk() - call @fn for every run mapped in [@da, @da + @len) of the table
 * (mapper instance) that @dev uses in @vcm, in address order; a run has
 * contiguous da and pa and one prot (a leaf of the table, a block cut to the
 * range; runs are not merged, so two may follow each other in da and pa). A
 * nonzero return from @fn stops the walk
 * and is returned; @fn must not call into the graph. -EINVAL a bad handle or
 * @fn NULL; -ERANGE @len 0 or the range not inside @vcm; -ENOENT @dev is not
 * associated with @vcm; -EOPNOTSUPP its mapper cannot walk.
 */
typedef int (*vcm_walk_fn)(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot);
VCM_API int vcm_walk(struct vcm *vcm, struct vcm_dev *dev, vcm_da_t da, uint64_t len,
		     vcm_walk_fn fn, void *arg);
/* A lookup in @dev's active table on @base; -ENOENT unmapped (a fault). */
VCM_API int vcm_dev_addr_to_phys_addr(struct vcm_dev *dev, unsigned int base, vcm_da_t da,
				      vcm_pa_t *pa);
VCM_API int vcm_get_cont_memtype(struct vcm_sys *sys, unsigned int memtype, vcm_pa_t *pa,
				 uint64_t *len);

/* ---- beyond the 2010 header ---------------------------------------------- */

/**
 * vcm_migrate() - move @mem to new memory of its memtype: copy the contents,
 * remap every reservation backed by it in every table (break-before-make, TLB
 * invalidation), free the old memory. @mem stays the handle (it now names the
 * new memory).
 *
 * The new memory is asked for so that every table mapping @mem can map it: a
 * contiguous allocation stays contiguous with at least its alignment; a
 * chunked one keeps its chunk sizes except those below the largest granule of
 * those tables (contiguous, aligned to that granule, if none is left). So the
 * chunk sizes may change when a table of a granule above 4 KiB maps @mem.
 * All or nothing: the new extents are checked against every table before the
 * old mappings go, and a table that still refuses them (table memory ran out)
 * gets the old mappings back in the tables it had kept (docs/graph.md).
 *
 * Context: takes the system lock; calls the devices' tlb_range.
 * Return: 0; -EINVAL bad @sys or @mem, wrapped memory (vcm_alloc_wrap()), or
 * new extents a table cannot map; -EBUSY @mem is mapped by a one-to-one VCM,
 * holds a guest's table arena (vcm_nest_plat_init() to _fini()),
 * or a device wrote a page of it that no vcm_res_read_clear_dirty() has
 * cleared yet (a VCM_DIRTY_NO_CLEAR harvest does not count: the moved pages'
 * leaves start clean, so harvest and clear first, and no write is lost);
 * -EOPNOTSUPP the platform has no pa_to_cpu; -EFAULT a pa without a CPU view;
 * -EACCES (a guest system) the host maps the new memory read-only; -ENOMEM
 * no new memory, metadata or table memory. On failure @mem, its bytes
 * and every table are as before (a reservation over more than 32 leaf
 * tables: the same translations in the same table memory, docs/graph.md).
 */
VCM_API int vcm_migrate(struct vcm_sys *sys, struct vcm_mem *mem);
/*
 * vcm_power_query() - ask every device that maps any of [@pa, @pa + @len)
 * (through its power_query op, once for each extent of the reverse map by
 * which the device maps part of it: a run mapped through two reservations is
 * asked about twice)
 * whether it may lose that memory. 0 if all agree (or none maps it); -EBUSY
 * naming the first that refuses; -EINVAL bad @sys or @len 0; -EOVERFLOW the
 * range wraps. *@mappers (optional) receives how many devices map the range.
 */
VCM_API int vcm_power_query(struct vcm_sys *sys, vcm_pa_t pa, uint64_t len, unsigned int *mappers);

/* ---- nested translation (stage 1 over stage 2) ---------------------------- */

/**
 * struct vcm_nest_plat - platform ops for a guest system: a vcm_sys whose
 * physical addresses are the device addresses (IPAs) of a host VCM, so that
 * its VCMs are stage 1 over the host's stage 2 (docs/graph.md, "Nested
 * translation").
 * @ops: give &@ops as the guest's struct vcm_sys_cfg.plat.
 * The rest is private.
 *
 * Table memory: an arena over one backed host reservation (vcm_nest_plat_init),
 * whose device address is the arena's physical base: guest table addresses
 * and descriptors hold IPAs, the bytes live in the host memory behind them.
 * Metadata: the host system's platform. pa_to_cpu of any other IPA: what the
 * host VCM maps there when asked (NULL if nothing), so vcm_res_copy() and
 * vcm_migrate() work in the guest. The host's side stays the host's: it
 * neither knows nor checks what a guest keeps in its memory; unbacking host
 * memory under a live guest table or guest data is allowed, and a device
 * then meets a stage-2 fault (on the stage-1 walk for a table).
 * Table memory must stay backed and the host VCM live while the guest system
 * lives (the arena writes through the CPU view it took at init): from
 * vcm_nest_plat_init() to vcm_nest_plat_fini() its memory is pinned,
 * backed or not: vcm_migrate() and vcm_free_phys() refuse it (-EBUSY), and
 * no second arena is made over its bytes (through any allocation, a wrap
 * too). A guest's vcm_res_copy() and vcm_migrate() write only what the host
 * maps writable (else -EACCES, nothing copied), as its devices do, and
 * refuse (-EINVAL) to copy between two IPAs the host maps to the same memory.
 */
struct vcm_nest_plat {
	struct vcm_plat_ops ops;
	struct vcm_plat_arena arena;
	struct vcm_plat_ops arena_ops;
	struct vcm *host;
	const struct vcm_plat_ops *host_plat;
	struct vcm_mem *tables_mem;
};

/**
 * vcm_nest_plat_init() - make @np's ops over @tables, a backed reservation
 * of a host VCM (vcm_create()) whose memory is one physical extent with one
 * CPU view; at least 2 KiB (the first len/1024 bytes keep the arena's books).
 * Return: 0; -EINVAL bad handle, @np NULL, a host VCM without tables of its
 * own, memory in several extents or without one CPU view; -ENOENT @tables
 * not backed; -ERANGE too small; -EBUSY a byte of its memory holds a guest's
 * table arena already, through this reservation or another (any host
 * allocation over those bytes, a wrap too: a new arena would reset the live
 * one's books): vcm_nest_plat_fini() that one first. Named in
 * the host system's record. The guest system made over @np must not give
 * out the arena's IPAs as memory: vcm_sys_create() refuses such a memtype
 * (-EINVAL).
 */
VCM_API int vcm_nest_plat_init(struct vcm_nest_plat *np, struct vcm_res *tables);
/**
 * vcm_nest_plat_fini() - unpin the host memory under @np's arena, once the
 * guest system over @np is destroyed (its tables are gone): the memory may
 * then move, be freed, or hold a new arena. A guest system over @np that is
 * still alive then (one with no tables: no VCM of it associated with a
 * device) gets no table memory any more, and vcm_sys_create() refuses @np.
 * Return: 0; -EINVAL @np NULL, never made, or finished already (its memory
 * freed since counts too); -EBUSY the arena holds a guest system's tables
 * (named in the host system's record: vcm_sys_destroy() the guest first),
 * nothing changed.
 */
VCM_API int vcm_nest_plat_fini(struct vcm_nest_plat *np);

#ifdef __cplusplus
}
#endif

#endif /* VCM_VCM_H */
