/**
 * Babel plugin used only by Jest: rewrites `import.meta.url` in the ESM-only @nestjs packages to the
 * compiled file's own URL. (The published transform-import-meta plugin emits `require(...)`, which
 * breaks modules that declare `const require = createRequire(import.meta.url)`.)
 */
module.exports = function importMetaUrl({ types: t }) {
  return {
    visitor: {
      MemberExpression(path) {
        const { object, property } = path.node;
        if (t.isMetaProperty(object) && object.meta.name === 'import' && t.isIdentifier(property, { name: 'url' })) {
          path.replaceWith(
            t.binaryExpression(
              '+',
              t.stringLiteral('file://'),
              t.callExpression(t.identifier('encodeURI'), [t.identifier('__filename')]),
            ),
          );
        }
      },
    },
  };
};
