/* SPDX-License-Identifier: MIT */
/*
 * What the files of the rfc layer share: the default system (the built-in
 * SoC: memory, graph, devices) and this thread's last result. Private to
 * src/rfc/.
 */
#ifndef VCM_RFC_INTERNAL_H
#define VCM_RFC_INTERNAL_H

#define VCM_RFC_NO_2010_NAMES
#include <pthread.h>
#include <stdatomic.h>
#include <vcm/err.h>
#include <vcm/vcm.h>
#include <vcm/phys.h>
#include <vcm/hosted.h>
#include <vcm/soc.h>
#include <vcm/rfc.h>

/* The built-in SoC (documented in include/vcm/rfc.h). */
#define RFC_MEM_PA      UINT64_C(0x80000000)
#define RFC_MEM_LEN     (UINT64_C(256) << 20)
#define RFC_TABLE_BYTES (UINT64_C(16) << 20)
#define RFC_NR_DEVS     4U
#define RFC_NR_MEMTYPES 1U

/*
 * A device of the SoC: its graph handle and the fault handler the RFC caller
 * gave (called through a trampoline that turns the device into its name).
 */
struct rfc_dev {
	const char *name;
	struct vcm_dev *dev;
	unsigned int nr_bases;
	bool iommu;                        /* has a page table of its own */
	vcm_rfc_handler handler;            /* with handler_data: under rfc_hook_lock_ */
	void *handler_data;
};

struct rfc_sys {
	pthread_mutex_t lock;   /* the graph's system lock */
	struct vcm_sys_lock lock_ops;
	struct vcm_soc *soc;    /* memory, models, devices (include/vcm/soc.h) */
	struct vcm_hosted_mem *mem;
	struct vcm_sys *sys;
	struct rfc_dev devs[RFC_NR_DEVS];
};

/* The default system; NULL before vcm_sys_init() and after vcm_sys_destroy(). */
extern struct rfc_sys *rfc_sys_;

/* Build / tear down (rfc_soc.c). */
int rfc_soc_build_(struct rfc_sys *s, struct vcm_diag *diag);
int rfc_soc_teardown_(struct rfc_sys *s);
struct rfc_dev *rfc_dev_find_(struct rfc_sys *s, const char *name);
/*
 * A handler and its data are set and read as one pair: a fault running while
 * vcm_hook() changes them must get one caller's pair, never one's handler
 * with another's data. The trampoline copies the pair out and calls it
 * unlocked (a handler may call vcm_hook() itself).
 */
extern pthread_mutex_t rfc_hook_lock_;
/* The native hook every RFC handler runs behind. */
int rfc_fault_trampoline_(struct vcm_dev *dev, void *data, const struct vcm_fault *fault);

/*
 * This thread's last result. Every 2010 call names itself once, at its start:
 * rfc_enter_(__func__) (or rfc_get_(__func__)); its messages then carry the
 * 2010 name (vcm_rfc_phys_alloc reports as "vcm_phys_alloc"). rfc_ok_()
 * records success; rfc_fail_() records @err with "name: message" and returns
 * @err; rfc_sys_err_() records @err with the graph's message, whose native
 * call name it replaces by the 2010 one, and returns it; rfc_sys_err_pre_()
 * puts @pre (the 2010 argument the native text cannot name) before that text.
 */
void rfc_enter_(const char *fn);
int rfc_ok_(void);
int rfc_fail_(int err, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
int rfc_sys_err_(int err);
int rfc_sys_err_pre_(int err, const char *pre);
/* The errno of a native call that refused since rfc_enter_(), or 0: for the
 * native calls whose NULL means both "none" and "refused". */
int rfc_sys_refused_(void);

/* rfc_enter_(@fn), then the system, or NULL after recording -ENODEV. */
struct rfc_sys *rfc_get_(const char *fn);

#endif /* VCM_RFC_INTERNAL_H */
