/* SPDX-License-Identifier: MIT */
/*
 * The blob the x86 generator (qemu_gen_x86.c) writes and the bare-metal x86-64
 * harness (harness_x86.c, start_x86.S) reads: register values, then vectors
 * with what the reference model expects. Little-endian, fixed-size fields.
 * The dirty-tracking check (../dirty_gen.c) writes the same blob for this
 * harness and for its aarch64 and riscv64 ones (../dirty_a64.c,
 * ../dirty_rv.c), which place it by their own layout.
 *
 * Physical layout in the q35 machine, run with -m 2048 (RAM 0..2 GiB):
 *   1 MiB    the harness (multiboot ELF, loaded by -kernel)
 *   16 MiB   this blob (-device loader)
 *   32 MiB   the table arena (-device loader), VQX_TABLES_MAX at most
 *   128 MiB..2 GiB  RAM the generated mappings point at and the harness
 *                   checks by content (VQX_DATA)
 *   4 GiB..2^oas    no RAM and no device: mappings there are checked for
 *                   translation and rights only
 * The VT-d harness uses the same blob (IOVAs in va) and layout, run with
 * -device intel-iommu and -device edu; its scratch page sits at VQX_SCRATCH_PA.
 * The table under test maps da [0, VQX_IDENT_END) onto itself (supervisor,
 * RW, executable): the harness runs on it from its first instruction in long
 * mode, and no vector touches it.
 */
#ifndef VCM_TEST_QEMU_VECTORS_X86_H
#define VCM_TEST_QEMU_VECTORS_X86_H

#define VQX_VECTORS_PA 0x01000000
#define VQX_VECTORS_MAX 0x00800000
#define VQX_IDENT_END  0x02000000U
#define VQX_SCRATCH_PA 0x01c00000U /* VT-d: one page for edu's buffer, identity mapped */
#define VQX_VTD_MAX    255U        /* VT-d: vectors per run (edu's 4 KiB buffer) */
#define VQX_TABLES_PA  0x02000000U
#define VQX_TABLES_MAX 0x04000000U
#define VQX_RAM_LO     0x08000000U
#define VQX_RAM_HI     0x80000000U

#define VQX_MAGIC   0x58434d56U /* "VMCX" */
#define VQX_VERSION 1U

/* vqx_vec.expect */
#define VQX_R    0x1U /* a supervisor read (EFLAGS.AC = 1) succeeds */
#define VQX_W    0x2U /* a supervisor write succeeds (CR0.WP = 1) */
#define VQX_U    0x4U /* a user page: a supervisor read with AC = 0 faults (SMAP) */
#define VQX_DATA 0x8 /* pa is in checked RAM: the 8 bytes at pa & ~7 hold pa & ~7 */
#define VQX_RONLY 0x10 /* x86_64: read only, never write (dirty_gen_x86.c: a page kept clean) */

#ifndef __ASSEMBLER__
#include <stdint.h>

#define VQX_HIGH_LO UINT64_C(0x100000000)

struct vqx_header {
	uint32_t magic;
	uint32_t version;
	uint32_t count;
	/*
	 * x86_64: bytes of the table arena (identity mapped, at VQX_TABLES_PA)
	 * the harness prints after the checks, as "PTE <offset> <value>" lines
	 * for the nonzero words; 0 prints nothing (dirty_gen_x86.c reads them).
	 */
	uint32_t dump_len;
	uint64_t regs[3]; /* vcm_pt_hw(): x86_64 CR3, CR4, IA32_PAT; vtd_ss the context entry */
	uint64_t pad2;
};

/* @va as the program issues it (sign-extended); @pa the byte it reaches. */
struct vqx_vec {
	uint64_t va;
	uint64_t pa;
	uint32_t expect;
	uint32_t pad;
};

_Static_assert(sizeof(struct vqx_header) == 48, "vqx_header layout");
_Static_assert(sizeof(struct vqx_vec) == 24, "vqx_vec layout");

#define VQX_MAX_VECS ((VQX_VECTORS_MAX - sizeof(struct vqx_header)) / sizeof(struct vqx_vec))
#endif /* __ASSEMBLER__ */

#endif /* VCM_TEST_QEMU_VECTORS_X86_H */
