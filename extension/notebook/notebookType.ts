/** Identifiers shared by the serializer, the controller and the commands; package.json uses the same strings. */
export const NOTEBOOK_TYPE = 'tunebook';
export const CONTROLLER_ID = 'tunebook.kernel';
