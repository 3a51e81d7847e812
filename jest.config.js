/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', {}] },
  // @pulumi/pulumi and google-protobuf keep state on globals (JEST-01 warnings otherwise)
  testEnvironmentOptions: { globalsCleanup: 'off' },
};
