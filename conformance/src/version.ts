/** The suite's name and version as reports name them. */
export const TOOL = { name: '@dvc-kit/conformance', version: '0.1.0' } as const;
