/* 演示站点：真实站点此处为大汉 jpage 分页组件，翻页数据由 dataproxy.jsp 以 POST 返回。 */
