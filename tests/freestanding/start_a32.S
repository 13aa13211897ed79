// SPDX-License-Identifier: MIT
// Entry of the 32-bit Arm test images: a stack, image_main(), and its return
// value as QEMU's exit status. QEMU's virt machine starts a -kernel ELF in
// SVC mode with the MMU off.
	.arm
	.section .text.start, "ax"
	.global _start
_start:
	ldr	sp, =__stack_top
	bl	image_main
	b	image_exit

// image_exit(r0 = code): SYS_EXIT_EXTENDED (0x20) with the parameter block
// {ADP_Stopped_ApplicationExit = 0x20026, code} via SVC 0x123456 in A32 state
// (Arm "Semihosting for AArch32 and AArch64", 2.0). QEMU run with -semihosting
// exits with `code`.
	.text
	.global image_exit
image_exit:
	sub	sp, sp, #8
	ldr	r2, =0x20026
	str	r2, [sp]
	str	r0, [sp, #4]
	mov	r1, sp
	mov	r0, #0x20
	svc	0x123456
1:	b	1b
