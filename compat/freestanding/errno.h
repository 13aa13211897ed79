/* SPDX-License-Identifier: MIT */
/*
 * errno numbers for freestanding builds: the Linux values, so that a core
 * library built for firmware returns the same codes as the hosted build.
 * Only the constants are given; there is no errno variable.
 */
#ifndef VCM_FREESTANDING_ERRNO_H
#define VCM_FREESTANDING_ERRNO_H

#define ENOENT      2
#define EIO         5
#define EAGAIN      11
#define ENOMEM      12
#define EACCES      13
#define EFAULT      14
#define EBUSY       16
#define EEXIST      17
#define ENODEV      19
#define EINVAL      22
#define ENOSPC      28
#define ERANGE      34
#define EOVERFLOW   75
#define EOPNOTSUPP  95
#define ETIMEDOUT   110

#endif
