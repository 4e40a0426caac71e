/* Internal configuration of the libjpeg-turbo build (see jconfig.h beside this file). */
#ifndef PF_JCONFIGINT_H
#define PF_JCONFIGINT_H
#define BUILD "postflight"
#define PACKAGE_NAME "libjpeg-turbo"
#define VERSION "1.4.80"
#if defined(_MSC_VER)
#define INLINE __forceinline
#else
#define INLINE inline __attribute__((always_inline))
#endif
#endif
