// The one errorOf of the repository's tests (test/helpers/errors.ts), under the name these tests use.
export { errorOf as error } from '../../../test/helpers/errors.js';
