; Python definitions. Functions in a class body (also decorated ones,
; properties, classmethods) become methods through nesting; the range of a
; decorated definition excludes its decorators.
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
