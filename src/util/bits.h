/* SPDX-License-Identifier: MIT */
/*
 * Bit and alignment helpers used by every layer. Field macros follow the
 * GENMASK/FIELD_PREP convention: a mask names the bits, FIELD_PREP shifts a
 * value into them, FIELD_GET takes it out.
 */
#ifndef VCM_UTIL_BITS_H
#define VCM_UTIL_BITS_H

#include <stdint.h>
#include <stdbool.h>

#define VCM_BIT(n)          (UINT64_C(1) << (n))
#define VCM_GENMASK(h, l)   ((~UINT64_C(0) >> (63 - (h))) & (~UINT64_C(0) << (l)))
#define VCM_FIELD_PREP(mask, val) \
	(((uint64_t)(val) << vcm_ctz64(mask)) & (mask))
#define VCM_FIELD_GET(mask, reg) (((uint64_t)(reg) & (mask)) >> vcm_ctz64(mask))

#define VCM_SZ_4K   UINT64_C(0x1000)
#define VCM_SZ_64K  UINT64_C(0x10000)
#define VCM_SZ_1M   UINT64_C(0x100000)
#define VCM_SZ_2M   UINT64_C(0x200000)
#define VCM_SZ_16M  UINT64_C(0x1000000)
#define VCM_SZ_1G   UINT64_C(0x40000000)

static inline unsigned int vcm_ctz64(uint64_t v)
{
	return v ? (unsigned int)__builtin_ctzll(v) : 64U;
}

static inline unsigned int vcm_clz64(uint64_t v)
{
	return v ? (unsigned int)__builtin_clzll(v) : 64U;
}

static inline bool vcm_is_pow2(uint64_t v)
{
	return v != 0U && (v & (v - 1U)) == 0U;
}

/* The lowest set bit of @v alone (0 when @v is 0). */
static inline uint64_t vcm_lowbit(uint64_t v)
{
	return v & (~v + 1U);
}

/* Largest power of two <= v; v != 0. */
static inline uint64_t vcm_pow2_floor(uint64_t v)
{
	return UINT64_C(1) << (63U - vcm_clz64(v));
}

static inline bool vcm_is_aligned(uint64_t v, uint64_t align)
{
	return (v & (align - 1U)) == 0U;
}

static inline uint64_t vcm_align_down(uint64_t v, uint64_t align)
{
	return v & ~(align - 1U);
}

/* All ones in the low @bits bits; @bits may be 64. */
static inline uint64_t vcm_low_mask(unsigned int bits)
{
	return bits >= 64U ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1U;
}

#endif /* VCM_UTIL_BITS_H */
