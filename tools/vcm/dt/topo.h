/* SPDX-License-Identifier: MIT */
/*
 * A SoC's mapping topology read from its flattened device tree (libfdt):
 * memory and reserved memory, IOMMUs with the vcmm page-table format their
 * compatible string implies (compat.c), and the bus masters behind them with
 * their stream / requester IDs, or, for masters with no IOMMU, the
 * physical window their dma-ranges allow.
 *
 * Written against libfdt and <string.h> only, with fixed-size tables and no
 * allocation, so that a bare-metal image can discover its devices the same
 * way; the tool uses it for `vcm graph --dtb` and `vcm run --dtb`.
 */
#ifndef VCM_TOOLS_DT_TOPO_H
#define VCM_TOOLS_DT_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_PATH_LEN    128
#define DT_COMPAT_LEN  48
#define DT_MAX_RANGES  16
#define DT_MAX_IOMMUS  32
#define DT_MAX_MASTERS 128
#define DT_MAX_IDS     8
#define DT_MAX_CELLS   4 /* #iommu-cells and address cells beyond this are refused */
#define DT_MAX_DEPTH   64 /* nodes nested deeper are refused (struct_walk.c) */

struct dt_range {
	uint64_t base, size;
	char path[DT_PATH_LEN];
};

/* What vcmm knows of an IOMMU by its compatible string (compat.c). */
struct dt_compat {
	const char *compatible;
	const char *fmt;      /* vcmm page-table format name, NULL: not spoken */
	const char *driver;   /* the Linux driver that defines the fact */
	const char *note;     /* what vcmm leaves out, or why it is not spoken */
};

struct dt_iommu {
	char path[DT_PATH_LEN];
	char compatible[DT_COMPAT_LEN];
	const struct dt_compat *known; /* NULL: a compatible vcmm has no entry for */
	uint32_t phandle;
	unsigned int cells;            /* #iommu-cells */
	bool have_reg;                 /* reg_base/reg_size hold its first reg entry */
	bool pci_function;             /* a function on a PCI bus: reg is config space, no MMIO */
	uint64_t reg_base, reg_size;   /* CPU address: translated through the parents' ranges */
	unsigned int nr_masters;
};

/*
 * One master behind an IOMMU (iommus = <&iommu id...>), a PCI host bridge's
 * requester IDs behind one (iommu-map = <rid-base &iommu id-base length>), or
 * a master with no IOMMU (dma-ranges, or the whole bus when it has none).
 */
struct dt_master {
	char path[DT_PATH_LEN];
	char compatible[DT_COMPAT_LEN];
	int iommu;                     /* index in iommus[], -1: no IOMMU */
	uint32_t ids[DT_MAX_IDS];      /* first cell of each specifier */
	unsigned int nr_ids;
	bool pci;                      /* from iommu-map: IDs id_base.. for RIDs rid_base.. */
	uint32_t rid_base, id_base, id_len;
	uint32_t rid_mask;             /* iommu-map-mask (all ones when absent): RID & mask is looked up */
	bool have_dma_range;           /* no IOMMU: dma-ranges limits what it reaches */
	uint64_t dma_base, dma_size;
};

struct dt_topo {
	struct dt_range memory[DT_MAX_RANGES];
	unsigned int nr_memory;
	struct dt_range reserved[DT_MAX_RANGES];
	unsigned int nr_reserved;
	struct dt_iommu iommus[DT_MAX_IOMMUS];
	unsigned int nr_iommus;
	struct dt_master masters[DT_MAX_MASTERS];
	unsigned int nr_masters;
	char model[DT_COMPAT_LEN];
};

/*
 * dt_read() - the topology of the blob @fdt (@len bytes). Every problem is
 * reported once, naming the node and the property ("/soc/vpu: iommus: ...")
 * in @err. Return: 0, or -1 with @err set.
 */
int dt_read(const void *fdt, size_t len, struct dt_topo *t, char *err, size_t errlen);

/*
 * Walk the structure block of @fdt (whose header fdt_check_header() passed)
 * the way libfdt will, refusing a property whose length runs past the block
 * (libfdt 1.6.1 loops for ever on one), a block the format's alignment
 * does not hold and nodes nested more than DT_MAX_DEPTH deep (struct_walk.c).
 * 0, or -1 with the reason in @why.
 */
int dt_struct_walk(const void *fdt, size_t len, char *why, size_t whylen);

/* The entry for @compatible (exact match), or NULL. */
const struct dt_compat *dt_compat_find(const char *compatible);
/* The whole table, for docs and `vcm graph --dtb --formats`. */
extern const struct dt_compat dt_compat_table[];
extern const size_t dt_compat_count;

/*
 * The master whose node path is @path or ends in "/@path"; -1 when none.
 * When a second node (another path) matches too, *@also is its master's
 * index (the name is ambiguous), else -1.
 */
int dt_find_master(const struct dt_topo *t, const char *path, int *also);

#endif /* VCM_TOOLS_DT_TOPO_H */
