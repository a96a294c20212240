/* 演示站点：真实站点此处为 jQuery。 */
window.$ = window.$ || function(){ return { ready: function(){}, jpage: function(){} }; };
