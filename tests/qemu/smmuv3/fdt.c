// SPDX-License-Identifier: MIT
/* A small read-only walk of QEMU virt's device tree: see fdt.h. */
#include <stddef.h>
#include "fdt.h"

/* Devicetree Specification v0.4, 5.2 (header) and 5.4 (structure block). */
#define FDT_MAGIC      0xd00dfeedU
#define FDT_BEGIN_NODE 1U
#define FDT_END_NODE   2U
#define FDT_PROP       3U
#define FDT_NOP        4U
#define FDT_END        9U

/* One node directly under the root, as far as it has been read. */
struct node {
	const uint8_t *compat, *reg, *ranges, *imap;
	uint32_t compat_len, reg_len, ranges_len, imap_len;
	uint32_t phandle;
};

/* The tree is big-endian; read bytewise (no alignment assumed). */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t cells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < n; i++)
		v = v << 32 | be32(p + 4U * i);
	return v;
}

static int str_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Is @want one of the NUL-separated strings of a compatible property? */
static int has_compat(const struct node *n, const char *want)
{
	uint32_t i = 0;

	while (i < n->compat_len) {
		const char *s = (const char *)n->compat + i;

		if (str_eq(s, want))
			return 1;
		while (i < n->compat_len && n->compat[i] != 0U)
			i++;
		i++;
	}
	return 0;
}

static uint32_t align4(uint32_t v)
{
	return (v + 3U) & ~3U;
}

/* The node just closed: keep what it says about the SMMU or the PCIe host. */
static void take(const struct node *n, uint32_t ac, uint32_t sc, struct virt_hw *hw,
		 uint32_t *smmu_phandle, uint32_t *imap_phandle)
{
	if (has_compat(n, "arm,smmu-v3") && n->reg_len >= 4U * (ac + sc)) {
		hw->smmu = cells(n->reg, ac);
		*smmu_phandle = n->phandle;
	}
	if (!has_compat(n, "pci-host-ecam-generic") || n->reg_len < 4U * (ac + sc))
		return;
	hw->ecam = cells(n->reg, ac);
	/* ranges: (3-cell PCI address, @ac-cell CPU address, 2-cell size) each */
	for (uint32_t off = 0; off + 4U * (3U + ac + 2U) <= n->ranges_len;
	     off += 4U * (3U + ac + 2U)) {
		const uint8_t *r = n->ranges + off;

		/* phys.hi bits 25:24: 0b10 is 32-bit memory space (PCI bus binding) */
		if (((be32(r) >> 24) & 3U) == 2U) {
			hw->mmio32 = cells(r + 12, ac);
			hw->mmio32_len = cells(r + 12 + 4U * ac, 2);
			break;
		}
	}
	/* iommu-map: <rid-base iommu-phandle sid-base length> (first entry) */
	if (n->imap_len >= 16U) {
		hw->rid_base = be32(n->imap);
		*imap_phandle = be32(n->imap + 4);
		hw->sid_base = be32(n->imap + 8);
		hw->map_len = be32(n->imap + 12);
	}
}

int fdt_virt_hw(const void *blob, struct virt_hw *hw)
{
	const uint8_t *b = blob;
	const uint8_t *p, *strings;
	uint32_t ac = 2, sc = 1, depth = 0, smmu_ph = 0, imap_ph = ~0U;
	struct node n = { 0 };

	*hw = (struct virt_hw){ 0 };
	if (be32(b) != FDT_MAGIC || be32(b + 20) < 16U)
		return -1;
	p = b + be32(b + 8);
	strings = b + be32(b + 12);
	for (;;) {
		uint32_t tok = be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			uint32_t len = 0;

			while (p[len] != 0U)
				len++;
			p += align4(len + 1U);
			depth++;
			if (depth == 2U)
				n = (struct node){ 0 };
		} else if (tok == FDT_END_NODE) {
			if (depth == 2U)
				take(&n, ac, sc, hw, &smmu_ph, &imap_ph);
			if (depth-- == 0U)
				return -1;
		} else if (tok == FDT_PROP) {
			uint32_t len = be32(p);
			const char *name = (const char *)strings + be32(p + 4);
			const uint8_t *val = p + 8;

			p += 8U + align4(len);
			if (depth == 1U && str_eq(name, "#address-cells") && len == 4U)
				ac = be32(val);
			else if (depth == 1U && str_eq(name, "#size-cells") && len == 4U)
				sc = be32(val);
			if (depth != 2U)
				continue;
			if (str_eq(name, "compatible")) {
				n.compat = val;
				n.compat_len = len;
			} else if (str_eq(name, "reg")) {
				n.reg = val;
				n.reg_len = len;
			} else if (str_eq(name, "ranges")) {
				n.ranges = val;
				n.ranges_len = len;
			} else if (str_eq(name, "iommu-map")) {
				n.imap = val;
				n.imap_len = len;
			} else if (str_eq(name, "phandle") && len == 4U) {
				n.phandle = be32(val);
			}
		} else if (tok == FDT_END) {
			break;
		} else if (tok != FDT_NOP) {
			return -1;
		}
	}
	if (hw->smmu == 0U)
		return -2;
	if (hw->ecam == 0U)
		return -3;
	if (hw->mmio32 == 0U)
		return -4;
	if (imap_ph != smmu_ph || hw->map_len == 0U)
		return -5;
	return 0;
}
