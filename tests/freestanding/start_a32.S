// SPDX-License-Identifier: MIT
// Entry of every 32-bit Arm bare-metal test image (the freestanding formatter
// image and the QEMU conformance harness): a stack, image_main(), and its
// return value as QEMU's exit status. QEMU's virt machine starts a -kernel ELF
// with the MMU off, in SVC mode, or in Hyp mode with virtualization=on (the
// harness); nothing here depends on the mode.
	.arm
	.section .text.start, "ax"
	.global _start
_start:
	ldr	sp, =__stack_top
	bl	image_main
	b	semihost_exit

// semihost_exit(r0 = code): SYS_EXIT_EXTENDED (0x20) with the parameter block
// {ADP_Stopped_ApplicationExit = 0x20026, code} via SVC 0x123456 in A32 state
// (Arm "Semihosting for AArch32 and AArch64", 2.0). QEMU run with -semihosting
// exits with `code`.
	.text
	.global semihost_exit
semihost_exit:
	sub	sp, sp, #8
	ldr	r2, =0x20026
	str	r2, [sp]
	str	r0, [sp, #4]
	mov	r1, sp
	mov	r0, #0x20
	svc	0x123456
1:	b	1b
