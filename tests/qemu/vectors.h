/* SPDX-License-Identifier: MIT */
/*
 * The blob that the host generator (qemu_gen.c) writes and the bare-metal
 * harness (harness.c) reads: where things sit in QEMU's RAM, the register
 * values to program, and the test vectors with the answers that the reference
 * model expects from the MMU.
 *
 * Shared by a 64-bit host and by aarch64 and 32-bit Arm harnesses, so it uses
 * fixed-size fields only, little-endian, with explicit padding. Not a general
 * format: the generator and the harness are always built together.
 */
#ifndef VCM_TEST_QEMU_VECTORS_H
#define VCM_TEST_QEMU_VECTORS_H

#include <stdint.h>

/*
 * Physical layout in the virt machine (RAM from 0x4000_0000, run with -m 1024
 * so all of this is RAM: a loader write past the end of RAM is dropped
 * silently, see notes/qemu.md). The harness is linked at VQ_HARNESS_PA.
 */
#define VQ_HARNESS_PA 0x40100000U
#define VQ_TABLES_PA  0x44000000U /* the arena holding every table */
#define VQ_TABLES_MAX 0x04000000U /* at most 64 MiB of arena */
#define VQ_VECTORS_PA 0x48000000U /* this blob */
#define VQ_VECTORS_MAX 0x01000000U

#define VQ_MAGIC   0x51434d56U /* "VMCQ" read as little-endian bytes */
#define VQ_VERSION 1U

/* What the harness translates with. */
#define VQ_MODE_A64_S1 1U /* AArch64 EL1&0 stage 1: regs = TCR_EL1, MAIR_EL1, TTBR0_EL1 */
#define VQ_MODE_A64_S2 2U /* AArch64 stage 2, stage 1 off: regs = VTCR_EL2, 0, VTTBR_EL2 */
#define VQ_MODE_A32_S1 3U /* ARMv7 short descriptor PL1&0: regs = TTBCR, 0, TTBR0 */

/*
 * RISC-V (harness_rv.c): RAM from 0x8000_0000, run with -m 6G so that RAM ends
 * at 0x2_0000_0000. Every output address a vector touches lies in the tag
 * window, above the harness, tables and blob: the harness writes each word's
 * own address there before translating, so a load through the MMU returns the
 * physical address it reached. regs[0] = satp.
 */
#define VQ_MODE_RV        4U
#define VQ_RV_HARNESS_PA  0x80000000U
#define VQ_RV_TABLES_PA   0x84000000U
#define VQ_RV_VECTORS_PA  0x88000000U
#define VQ_RV_WINDOW_PA   UINT64_C(0x100000000)
#define VQ_RV_WINDOW_LEN  UINT64_C(0x100000000)
#define VQ_RV_RAM_MIB     6144U
/*
 * The G-stage (harness_rv.c with hgatp): the same layout, regs[0] = hgatp;
 * guest physical addresses are the vectors' va.
 */
#define VQ_MODE_RV_G      5U
/*
 * riscv32 (Sv32): the same harness, tables and blob addresses, run with
 * -m 2G; M-mode reaches only the low 4 GiB, so the tag window sits there.
 */
#define VQ_RV32_WINDOW_PA  UINT64_C(0xc0000000)
#define VQ_RV32_WINDOW_LEN UINT64_C(0x40000000)
#define VQ_RV32_RAM_MIB    2048U

/*
 * Nested (harness.c, aarch64 only): a guest's stage 1 over a host's stage 2,
 * both on. regs = the guest's TCR_EL1, MAIR_EL1, TTBR0_EL1 (its table
 * addresses are IPAs); a struct vq_nest (the host's VTCR_EL2, VTTBR_EL2)
 * follows the header, then @count struct vq_nvec.
 */
#define VQ_MODE_A64_NEST 6U

struct vq_nest {
	uint64_t vtcr;
	uint64_t vttbr;
};

/*
 * One nested vector: @va through AT S12E1R, S12E1W, S1E1R, S1E1W (operation
 * 0..3), answer n in bits [8n + 7:8n] of @res: VQ_N_OK (output @pa for the
 * S12 operations, @ipa for the S1 ones) or a fault class with the PAR_EL1.S
 * and PTW bits expected.
 */
#define VQ_N_OK    0x0U
#define VQ_N_XLAT  0x1U /* translation fault */
#define VQ_N_PERM  0x2U /* permission fault */
#define VQ_N_FAULT 0x3U /* another fault (any FST) */
#define VQ_N_S2    0x4U /* PAR_EL1.S: stage 2 */
#define VQ_N_PTW   0x8U /* PAR_EL1.PTW: on the stage-1 walk */
/* a translation or permission fault: FST's level bits are this lookup level */
#define VQ_N_LEVEL(l) (0x10U | ((unsigned int)(l) & 3U) << 5)
#define VQ_N_HAS_LEVEL 0x10U
#define VQ_N_LEVEL_OF(a) (((a) >> 5) & 3U)
#define VQ_N_OPS   4U

struct vq_nvec {
	uint64_t va;
	uint64_t pa;
	uint64_t ipa;
	uint32_t res;
	uint32_t pad;
};

_Static_assert(sizeof(struct vq_nvec) == 32, "vq_nvec layout");

/* vq_vec.expect: which accesses the model says succeed. */
#define VQ_PRIV_R 0x1U /* privileged (EL1/PL1) read; stage 2: any read */
#define VQ_PRIV_W 0x2U
#define VQ_USER_R 0x4U /* EL0/PL0 read (stage 1 only) */
#define VQ_USER_W 0x8U

struct vq_header {
	uint32_t magic;
	uint32_t version;
	uint32_t mode;          /* VQ_MODE_* */
	uint32_t count;         /* vectors following the header */
	uint64_t regs[3];       /* vcm_pt_hw().regs, as named for the mode */
	uint32_t check_user;    /* nonzero: also try the unprivileged AT operations */
	uint32_t tables_len;    /* riscv: bytes of table dump at VQ_RV_TABLES_PA to watch; else 0 */
};

/*
 * One vector: translate @va. When any access is expected to succeed, the
 * output address of @va (the byte, not the page) is @pa; the harness compares
 * it with the PAR at the PAR's granularity.
 */
struct vq_vec {
	uint64_t va;
	uint64_t pa;
	uint32_t expect; /* VQ_* bits; 0 = unmapped (translation fault) */
	uint32_t pad;
};

_Static_assert(sizeof(struct vq_header) == 48, "vq_header layout");
_Static_assert(sizeof(struct vq_vec) == 24, "vq_vec layout");

#define VQ_MAX_VECS ((VQ_VECTORS_MAX - sizeof(struct vq_header)) / sizeof(struct vq_vec))

#endif /* VCM_TEST_QEMU_VECTORS_H */
