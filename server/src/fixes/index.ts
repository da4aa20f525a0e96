/** Quick-fix edit builders (pure; no vscode imports). */
export * from './format';
export * from './json-edit';
export * from './arm';
export * from './nsg';
export * from './network';
