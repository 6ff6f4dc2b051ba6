/** The fake Google server lives in src/cli so `plaudit demo` can use it too (PLAUDIT_DEMO_GOOGLE=1). */
export * from '../../src/cli/fake-google.ts'
