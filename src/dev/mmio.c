// SPDX-License-Identifier: MIT
/*
 * Register access for backends on real (or QEMU's) hardware: volatile loads
 * and stores at the base pointer. Writes are ordered after earlier memory
 * writes (queue entries, table entries) by a full barrier, so a doorbell never
 * overtakes what it announces.
 */
#include <vcm/mmio.h>

static volatile void *at(void *ctx, uint64_t off)
{
	return (volatile void *)((uintptr_t)ctx + (uintptr_t)off);
}

static uint32_t direct_read32(void *ctx, uint64_t off)
{
	uint32_t v = *(volatile uint32_t *)at(ctx, off);

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return v;
}

static void direct_write32(void *ctx, uint64_t off, uint32_t val)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*(volatile uint32_t *)at(ctx, off) = val;
}

/* Two 32-bit halves, low first, where the target has no 64-bit store. */
static uint64_t direct_read64(void *ctx, uint64_t off)
{
	uint64_t v;

	if (sizeof(void *) == 8) {
		v = *(volatile uint64_t *)at(ctx, off);
	} else {
		v = *(volatile uint32_t *)at(ctx, off);
		v |= (uint64_t)*(volatile uint32_t *)at(ctx, off + 4U) << 32;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return v;
}

static void direct_write64(void *ctx, uint64_t off, uint64_t val)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (sizeof(void *) == 8) {
		*(volatile uint64_t *)at(ctx, off) = val;
	} else {
		*(volatile uint32_t *)at(ctx, off) = (uint32_t)val;
		*(volatile uint32_t *)at(ctx, off + 4U) = (uint32_t)(val >> 32);
	}
}

const struct vcm_mmio_ops vcm_mmio_direct = {
	.read32 = direct_read32,
	.write32 = direct_write32,
	.read64 = direct_read64,
	.write64 = direct_write64,
	.relax = NULL,
};
