{
  # libjpeg-turbo comes from the npm package jpeg-turbo (a devDependency whose own install script is not run, see
  # allowScripts in package.json): its sources are compiled here into a static library with hidden symbols, so the
  # addon never depends on a system libjpeg. Without the package the addon builds with the kernels only.
  # src/jsimd_postflight.c replaces the library's jsimd_none.c: our SSE2 inverse DCT (its own NASM SIMD cannot be
  # built without nasm), bit-exact with the C one; every other SIMD hook stays off.
  "variables": {
    "jpeg_dir%": "<!(node -p \"try { require('path').relative(process.cwd(), require('path').join(require('path').dirname(require.resolve('jpeg-turbo/package.json')), 'deps', 'libjpeg-turbo')) } catch { '' }\")"
  },
  "targets": [
    {
      "target_name": "postflight_quality",
      "sources": ["src/addon.cc", "src/kernels.cc", "src/jpeg_measure.cc", "src/md5.cc", "src/thumbnail.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-fno-exceptions"] },
      "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/O2", "/std:c++17"] } },
      "conditions": [
        ["target_arch=='x64' and OS!='win'", {
          "dependencies": ["pf_kernels_avx2"],
          "defines": ["PF_KERNELS_AVX2=1"]
        }],
        ["jpeg_dir!=''", {
          "dependencies": ["pf_libjpeg"],
          "include_dirs": ["<(jpeg_dir)", "src/jpeg-config"],
          "defines": ["PF_HAVE_LIBJPEG=1", "PF_LIBJPEG_VERSION=\"1.4.80\""]
        }]
      ]
    },
    {
      # The kernels' AVX2 loops, the only code built for AVX2: kernels.cc calls them only on a CPU that has it, so the
      # addon still runs on any x86-64. (MSVC builds keep the SSE2 loops.)
      "target_name": "pf_kernels_avx2",
      "type": "static_library",
      "conditions": [
        ["target_arch=='x64' and OS!='win'", {
          "sources": ["src/kernels_avx2.cc"],
          "defines": ["PF_KERNELS_AVX2=1"],
          "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions", "-mavx2", "-fvisibility=hidden", "-fPIC"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-fno-exceptions", "-mavx2", "-fvisibility=hidden"] }
        }]
      ]
    },
    {
      "target_name": "pf_libjpeg",
      "type": "static_library",
      "conditions": [
        ["jpeg_dir!=''", {
          "sources": [
            "<(jpeg_dir)/jaricom.c", "<(jpeg_dir)/jcomapi.c",
            "<(jpeg_dir)/jcapimin.c", "<(jpeg_dir)/jcapistd.c", "<(jpeg_dir)/jccoefct.c", "<(jpeg_dir)/jccolor.c",
            "<(jpeg_dir)/jcdctmgr.c", "<(jpeg_dir)/jchuff.c", "<(jpeg_dir)/jcinit.c", "<(jpeg_dir)/jcmainct.c",
            "<(jpeg_dir)/jcmarker.c", "<(jpeg_dir)/jcmaster.c", "<(jpeg_dir)/jcparam.c", "<(jpeg_dir)/jcphuff.c",
            "<(jpeg_dir)/jcprepct.c", "<(jpeg_dir)/jcsample.c", "<(jpeg_dir)/jdatadst.c", "<(jpeg_dir)/jfdctflt.c",
            "<(jpeg_dir)/jfdctfst.c", "<(jpeg_dir)/jfdctint.c", "<(jpeg_dir)/jdapimin.c", "<(jpeg_dir)/jdapistd.c",
            "<(jpeg_dir)/jdarith.c", "<(jpeg_dir)/jdatasrc.c", "<(jpeg_dir)/jdcoefct.c", "<(jpeg_dir)/jdcolor.c",
            "<(jpeg_dir)/jddctmgr.c", "<(jpeg_dir)/jdhuff.c", "<(jpeg_dir)/jdinput.c", "<(jpeg_dir)/jdmainct.c",
            "<(jpeg_dir)/jdmarker.c", "<(jpeg_dir)/jdmaster.c", "<(jpeg_dir)/jdmerge.c", "<(jpeg_dir)/jdphuff.c",
            "<(jpeg_dir)/jdpostct.c", "<(jpeg_dir)/jdsample.c", "<(jpeg_dir)/jerror.c", "<(jpeg_dir)/jidctflt.c",
            "<(jpeg_dir)/jidctfst.c", "<(jpeg_dir)/jidctint.c", "<(jpeg_dir)/jidctred.c", "<(jpeg_dir)/jmemmgr.c",
            "<(jpeg_dir)/jmemnobs.c", "<(jpeg_dir)/jquant1.c", "<(jpeg_dir)/jquant2.c", "<(jpeg_dir)/jutils.c",
            "src/jsimd_postflight.c"
          ],
          "include_dirs": ["<(jpeg_dir)", "src/jpeg-config"],
          "cflags": ["-O3", "-w", "-fvisibility=hidden", "-fPIC"],
          "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-w", "-fvisibility=hidden"] },
          "msvs_settings": { "VCCLCompilerTool": { "WarningLevel": "0", "AdditionalOptions": ["/O2"] } }
        }]
      ]
    }
  ]
}
