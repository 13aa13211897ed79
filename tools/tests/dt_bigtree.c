// SPDX-License-Identifier: MIT
/*
 * dt_bigtree OUT.dtb NODES: a device tree with NODES filler nodes (each with
 * a phandle, 1, 2, ...) beside 32 IOMMUs whose phandles are above the
 * reader's bitmap, and, under a bus 40 levels deep whose every level has
 * ranges and dma-ranges, 96 masters behind those IOMMUs and 30 without one.
 * Every pass of the reader meets every node, the IOMMUs' phandles are
 * checked by a scan each, and each master's window climbs 40 buses: a
 * reader that asks libfdt for parents, paths or phandles node by node
 * takes time in the square of NODES (tool test dt_big_tree).
 */
#include <stdio.h>
#include <stdlib.h>
#include <libfdt.h>

#define NR_IOMMUS   32U
#define NR_BEHIND   96U
#define NR_DIRECT   30U
#define BUS_DEPTH   40U
#define IOMMU_PH(i) (0xf0000000U + (i))

static int check(int r, const char *what)
{
	if (r < 0) {
		fprintf(stderr, "dt_bigtree: %s: %s\n", what, fdt_strerror(r));
		exit(1);
	}
	return r;
}

static void cells(void *fdt, uint32_t ac, uint32_t sc)
{
	check(fdt_property_u32(fdt, "#address-cells", ac), "#address-cells");
	check(fdt_property_u32(fdt, "#size-cells", sc), "#size-cells");
}

static void reg(void *fdt, uint32_t base, uint32_t size)
{
	fdt32_t r[2] = { cpu_to_fdt32(base), cpu_to_fdt32(size) };

	check(fdt_property(fdt, "reg", r, sizeof(r)), "reg");
}

int main(int argc, char **argv)
{
	unsigned long nodes = argc == 3 ? strtoul(argv[2], NULL, 0) : 0;
	size_t size = 1024 * 1024 + nodes * 64U;
	void *fdt = malloc(size);
	char name[32];
	FILE *f;

	if (argc != 3 || nodes == 0 || nodes > 1000000 || fdt == NULL) {
		fprintf(stderr, "usage: dt_bigtree OUT.dtb NODES (1..1000000)\n");
		return 2;
	}
	check(fdt_create(fdt, (int)size), "create");
	check(fdt_finish_reservemap(fdt), "reservemap");
	check(fdt_begin_node(fdt, ""), "root");
	check(fdt_property_string(fdt, "model", "vcmm test: big tree"), "model");
	cells(fdt, 1, 1);
	check(fdt_begin_node(fdt, "memory@80000000"), "memory");
	check(fdt_property_string(fdt, "device_type", "memory"), "device_type");
	reg(fdt, 0x80000000U, 0x40000000U);
	check(fdt_end_node(fdt), "memory end");
	for (unsigned int i = 0; i < NR_IOMMUS; i++) {
		snprintf(name, sizeof(name), "iommu@%x", 0x1000000U + i * 0x10000U);
		check(fdt_begin_node(fdt, name), "iommu");
		check(fdt_property_string(fdt, "compatible", "arm,mmu-500"), "compatible");
		reg(fdt, 0x1000000U + i * 0x10000U, 0x10000U);
		check(fdt_property_u32(fdt, "#iommu-cells", 1), "#iommu-cells");
		check(fdt_property_u32(fdt, "phandle", IOMMU_PH(i)), "phandle");
		check(fdt_end_node(fdt), "iommu end");
	}
	for (unsigned long i = 0; i < nodes; i++) {
		snprintf(name, sizeof(name), "filler%lu", i);
		check(fdt_begin_node(fdt, name), "filler");
		check(fdt_property_string(fdt, "compatible", "vcmm,filler"), "compatible");
		check(fdt_property_u32(fdt, "phandle", (uint32_t)(i + 1U)), "phandle");
		check(fdt_end_node(fdt), "filler end");
	}
	for (unsigned int d = 0; d < BUS_DEPTH; d++) {
		check(fdt_begin_node(fdt, "b"), "bus");
		cells(fdt, 1, 1);
		check(fdt_property(fdt, "ranges", NULL, 0), "ranges");
		check(fdt_property(fdt, "dma-ranges", NULL, 0), "dma-ranges");
	}
	for (unsigned int i = 0; i < NR_BEHIND + NR_DIRECT; i++) {
		snprintf(name, sizeof(name), "m@%x", 0x2000000U + i * 0x1000U);
		check(fdt_begin_node(fdt, name), "master");
		reg(fdt, 0x2000000U + i * 0x1000U, 0x1000U);
		if (i < NR_BEHIND) {
			fdt32_t spec[2] = { cpu_to_fdt32(IOMMU_PH(i % NR_IOMMUS)), cpu_to_fdt32(i) };

			check(fdt_property(fdt, "iommus", spec, sizeof(spec)), "iommus");
		} else {
			check(fdt_property(fdt, "dma-coherent", NULL, 0), "dma-coherent");
		}
		check(fdt_end_node(fdt), "master end");
	}
	for (unsigned int d = 0; d < BUS_DEPTH; d++)
		check(fdt_end_node(fdt), "bus end");
	check(fdt_end_node(fdt), "root end");
	check(fdt_finish(fdt), "finish");
	f = fopen(argv[1], "wb");
	if (f == NULL || fwrite(fdt, fdt_totalsize(fdt), 1, f) != 1 || fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	free(fdt);
	return 0;
}
