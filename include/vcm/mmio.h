/* SPDX-License-Identifier: MIT */
/*
 * How an IOMMU backend (src/dev/) touches its registers: through a tiny
 * accessor, so that the same backend drives real hardware in firmware
 * (vcm_mmio_direct: volatile loads and stores at a mapped register base) and
 * a fake register file in hosted unit tests (a test's own ops, which can
 * model the device: consume a queue, raise an event).
 */
#ifndef VCM_MMIO_H
#define VCM_MMIO_H

#include <vcm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct vcm_mmio_ops - register accesses at byte offset @off from the base.
 * @read32, @write32, @read64, @write64: one access each, in program order.
 * @relax: optional: called once per iteration of a polling loop (a fake
 *         register file advances its model here; firmware may pause).
 */
struct vcm_mmio_ops {
	uint32_t (*read32)(void *ctx, uint64_t off);
	void (*write32)(void *ctx, uint64_t off, uint32_t val);
	uint64_t (*read64)(void *ctx, uint64_t off);
	void (*write64)(void *ctx, uint64_t off, uint64_t val);
	void (*relax)(void *ctx);
};

/* A register block: its ops and their context (for vcm_mmio_direct: the base pointer). */
struct vcm_mmio {
	const struct vcm_mmio_ops *ops;
	void *ctx;
};

/* Volatile accesses at (uintptr_t)ctx + off, with a full barrier around each write. */
VCM_API extern const struct vcm_mmio_ops vcm_mmio_direct;

#ifdef __cplusplus
}
#endif

#endif /* VCM_MMIO_H */
